import Vapor

/// Registers every feature's routes; public ones first, then those behind sign-in.
func routes(_ app: Application) throws {
    try app.register(collection: SystemController())
    try app.register(collection: AuthController())
    try app.register(collection: SelfReportController())
    try app.register(collection: QRController())
    let signedIn = app.grouped(RequireUser())
    try signedIn.register(collection: DashboardController())
    try signedIn.register(collection: OrganizationController())
    try signedIn.register(collection: MemberController())
    try signedIn.register(collection: AccountController())
    try signedIn.register(collection: AuditController())
    try signedIn.register(collection: APIController())
    try signedIn.register(collection: ReviewController())
    try signedIn.register(collection: NoticeController())
    try signedIn.register(collection: QRController.Posters())
    try signedIn.register(collection: FlowController())
    try signedIn.register(collection: LedgerController())
    try signedIn.register(collection: StatsController())
    try signedIn.register(collection: ImportController())
    try signedIn.register(collection: ReconciliationController())
    try signedIn.register(collection: ArchiveController())
}
