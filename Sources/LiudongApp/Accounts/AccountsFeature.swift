import Fluent
import Vapor

/// Staff accounts: sign-in and sessions, tokens, passwords, account management, `liudong admin`.
struct AccountsFeature: Feature {
    let name = "accounts"

    func migrations(_ app: Application) -> [NumberedMigration] {
        [
            NumberedMigration(3, CreateAccounts()), NumberedMigration(5, SessionRecord.migration),
            NumberedMigration(12, AddPasswordChangedAt()), NumberedMigration(60, AddActedAt()),
        ]
    }

    func routes(_ routes: FeatureRoutes) throws {
        try AuthController().boot(routes)
        try AccountController().boot(routes)
    }

    var commands: [(name: String, command: any AsyncCommand)] { [("admin", AdminCommand())] }

    var navigation: [NavEntry] {
        [NavEntry(order: 90, permission: .manageAccounts, link: { _ in ("/accounts", "账号管理") })]
    }

    var openAPI: String? { AccountsOpenAPI.part }
}
