import Vapor

/// Registers every feature's routes; public ones first, then those behind sign-in.
func routes(_ app: Application) throws {
    try app.register(collection: SystemController())
    try app.register(collection: AuthController())
    let signedIn = app.grouped(RequireUser())
    try signedIn.register(collection: DashboardController())
    try signedIn.register(collection: OrganizationController())
    try signedIn.register(collection: MemberController())
    try signedIn.register(collection: AccountController())
    try signedIn.register(collection: AuditController())
    try signedIn.register(collection: APIController())
}
