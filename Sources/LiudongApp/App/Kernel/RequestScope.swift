import Fluent
import LiudongCore
import Vapor

/// What many features' pages and APIs ask of a request: the organization they work on and the signed-in member's
/// roster record. One place, so no feature borrows another's controller for it (issue 26).
extension Request {
    /// The organization a page or API works on: `code` (or `?org=`) when the account's scope covers it, else the
    /// account's own scope organization; 404 (never a hint that it exists) outside the scope.
    func scopeOrganization(code: String? = nil) async throws -> Organization {
        let user = try self.user
        let raw = code ?? (try? query.get(String.self, at: "org"))
        guard let raw = Normalize.text(raw), raw != user.scopeCode else {
            return try user.require(try await Organization.find(user.scopeID, on: db))
        }
        return try user.require(try await Organization.query(on: db).filter(\.$code == raw).first())
    }

    /// The same for work of the home (tree) side only: an inflow-side account gets 404.
    func treeScopeOrganization(code: String? = nil) async throws -> Organization {
        guard !(try user).isInflowSide else { throw AppError.notFound }
        return try await scopeOrganization(code: code)
    }

    /// The account's own organization when it is the city's or a county's organization department (what runs
    /// campaigns and publishes opportunities); 403 for anyone else.
    func departmentOrganization() async throws -> Organization {
        let user = try self.user
        guard user.scopeLevel == .city || user.scopeLevel == .county, !user.isInflowSide,
            let org = try await Organization.find(user.scopeID, on: db)
        else { throw AppError.forbidden }
        return org
    }

    /// The member by name in a branch of the account's scope (the account's own when `code` is nil): names are what
    /// secretaries know, so forms for care, talent and awards take a name, never an ID number. 422 when the branch has
    /// no one or several of that name.
    func memberNamed(_ raw: String?, branch code: String?) async throws -> Member {
        let user = try self.user
        guard let name = Normalize.text(raw) else { throw AppError.invalid([FieldError("name", "请填写党员姓名")]) }
        let branch = try await scopeOrganization(code: code ?? user.scopeCode)
        let found = try await Member.query(on: db).filter(\.$organizationID == branch.requireID())
            .filter(\.$name == name).limit(3).all()
        guard found.count == 1, let m = found.first else {
            throw AppError.invalid([
                FieldError(
                    "name",
                    found.isEmpty
                        ? "\(branch.shortName)没有名为\(name)的党员" : "\(branch.shortName)有同名党员\(found.count)人，请从党员页面登记")
            ])
        }
        return m
    }

    /// The signed-in member's roster record (404 when it is gone).
    func currentMemberRecord() async throws -> Member {
        guard let m = try await Member.find(try member.memberID, on: db) else { throw AppError.notFound }
        return m
    }
}
