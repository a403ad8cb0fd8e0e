import Fluent
import LiudongCore
import Vapor

/// Creating and changing accounts: shared by the admin pages and `liudong admin create`.
enum AccountService {
    struct Input {
        var username: String
        var displayName: String
        var password: String
        var role: Role
        var orgCode: String
    }

    /// Checks the input; `creator` nil means the server operator on the command line (no scope limit).
    static func create(_ input: Input, creator: CurrentUser?, bcryptCost: Int = 12, on db: Database) async throws
        -> Account
    {
        var errors: [FieldError] = []
        let username = input.username.trimmingCharacters(in: .whitespaces).lowercased()
        if username.count < 3 || username.count > 32
            || !username.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || "._-".contains($0)) })
        {
            errors.append(FieldError("username", "用户名为3–32位字母、数字或 . _ -"))
        } else if try await Account.query(on: db).filter(\.$username == username).count() > 0 {
            errors.append(FieldError("username", "用户名“\(username)”已被使用"))
        }
        if let e = AuthService.checkPassword(input.password) { errors.append(e) }
        let org = try await Organization.query(on: db).filter(
            \.$code == input.orgCode.trimmingCharacters(in: .whitespaces)
        ).first()
        if org == nil || (creator.map { !$0.covers(org!) } ?? false) {
            errors.append(FieldError("orgCode", "所属组织不存在或不在您的管理范围内"))
        } else if let org, let problem = fit(role: input.role, org: org) {
            errors.append(FieldError("role", problem))
        }
        guard errors.isEmpty, let org else { throw AppError.invalid(errors) }
        let name = Normalize.text(input.displayName) ?? username
        let account = Account(
            username: username, displayName: name, passwordHash: try AuthService.hash(input.password, cost: bcryptCost),
            role: input.role, organizationID: org.id!)
        try await account.create(on: db)
        return account
    }

    /// Whether a role fits the kind and level of its scope organization; nil when it does.
    static func fit(role: Role, org: Organization) -> String? {
        role.misfit(kind: org.kind, level: org.level)
    }
}

extension AccountService {
    /// Accounts whose scope organization lies in the admin's scope (external ones too for a city admin).
    static func accounts(for user: CurrentUser, on db: Database) async throws -> [(Account, Organization)] {
        let orgs = try await user.visibleOrganizations(Organization.query(on: db)).all()
        let byID = Dictionary(uniqueKeysWithValues: orgs.map { ($0.id!, $0) })
        let accounts = try await Account.query(on: db).filter(\.$organizationID ~~ Array(byID.keys)).sort(\.$username)
            .all()
        return accounts.compactMap { a in byID[a.organizationID].map { (a, $0) } }
    }

    /// Open organizations in the admin's scope, by code (where an account may be placed).
    static func openOrganizations(for user: CurrentUser, on db: Database) async throws -> [Organization] {
        try await user.visibleOrganizations(Organization.query(on: db)).filter(\.$closedAt == nil).sort(\.$code).all()
    }
}
