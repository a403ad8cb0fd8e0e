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

    /// The signed-in member's roster record (404 when it is gone).
    func currentMemberRecord() async throws -> Member {
        guard let m = try await Member.find(try member.memberID, on: db) else { throw AppError.notFound }
        return m
    }
}
