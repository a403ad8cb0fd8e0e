import Fluent
import LiudongCore
import Vapor

/// What one feature folder contributes to the application. `Features.all` lists them; configure, routes, the command
/// list, navigation, a member's archive, the home worklist, the demo and `/openapi.json` loop over that list, so a new
/// module is its folder plus one line there. Every requirement but `name` has a default: contribute only what you have.
protocol Feature: Sendable {
    var name: String { get }
    /// Migrations, each with its number in the one global order (numbers are unique across features).
    func migrations(_ app: Application) -> [NumberedMigration]
    /// Routes: `routes.public` for strangers, `routes.signedIn(.permission)` for accounts that hold the permission.
    func routes(_ routes: FeatureRoutes) throws
    /// Console commands, by name (`liudong NAME`).
    var commands: [(name: String, command: any AsyncCommand)] { get }
    /// Entries of the navigation bar; each shows only to accounts holding its permission.
    var navigation: [NavEntry] { get }
    /// This feature's lines on a member's archive timeline (一人一档).
    func archive(_ member: Member, on db: Database) async throws -> [ArchiveEntry]
    /// What this feature asks of the account now, counted per organization of its scope (see `WorkTally`).
    func worklist(_ scope: WorkScope) async throws -> [WorkTally]
    /// Its worklist counts that depend only on the scope's path and the day, so accounts of the tree read them from
    /// the minutely roll-up (`WorkRollup`); its worklist asks for them with `scope.counts(kind, in: self)`.
    var rolledCounts: [RolledCount] { get }
    /// Whole pages' figures that a wide scope (a city, a province) reads from the roll-up (`FigureCache`).
    var rolledFigures: [RolledFigure] { get }
    /// Demo data beyond the organization tree, roster and flows the demo loader builds first.
    func loadDemo(_ demo: DemoContext) async throws
    /// Its part of `/openapi.json`: a JSON object with `paths` and optionally `schemas`.
    var openAPI: String? { get }
    /// Its tiles on the member's own phone page (`/my`), in the order of the features.
    func myTiles(_ member: CurrentMember, on db: Database, cipher: FieldCipher) async throws -> [MyTile]
    /// Its part of the daily job (`liudong sweep`): one line per thing it did, for the console and the audit log.
    func sweep(_ app: Application, today: CalendarDate) async throws -> [String]
    /// The columns of its tables that refer to stored files (`FileStore`), so the sweep keeps what they name.
    var files: [FileReference] { get }
}

extension Feature {
    func migrations(_ app: Application) -> [NumberedMigration] { [] }
    func routes(_ routes: FeatureRoutes) throws {}
    var commands: [(name: String, command: any AsyncCommand)] { [] }
    var navigation: [NavEntry] { [] }
    func archive(_ member: Member, on db: Database) async throws -> [ArchiveEntry] { [] }
    func worklist(_ scope: WorkScope) async throws -> [WorkTally] { [] }
    var rolledCounts: [RolledCount] { [] }
    var rolledFigures: [RolledFigure] { [] }
    func loadDemo(_ demo: DemoContext) async throws {}
    var openAPI: String? { nil }
    func myTiles(_ member: CurrentMember, on db: Database, cipher: FieldCipher) async throws -> [MyTile] { [] }
    func sweep(_ app: Application, today: CalendarDate) async throws -> [String] { [] }
    var files: [FileReference] { [] }
}

/// A tile of the member's phone page: a title, lines of text, and actions (a link, or a form posted with CSRF).
struct MyTile: Encodable, Sendable {
    struct Line: Encodable, Sendable {
        var text: String
        var note: String? = nil
        /// A `tel:` number to tap, when the line is a person to call.
        var tel: String? = nil
        /// Buttons posted as forms to the given paths (e.g. confirm a contact).
        var actions: [Action] = []
    }
    struct Action: Encodable, Sendable {
        var label: String
        var path: String
        var primary: Bool = false
        /// A plain link (a page to open) rather than a form to post.
        var link: Bool = false
    }
    var id: String
    var title: String
    var lines: [Line]
    var empty: String? = nil
}

/// A migration and its place in the global order.
struct NumberedMigration {
    let number: Int
    let migration: any Migration

    init(_ number: Int, _ migration: any Migration) {
        self.number = number
        self.migration = migration
    }
}

/// One entry of the navigation bar.
struct NavEntry: Sendable {
    /// Position in the bar (smaller first).
    var order: Int
    var permission: Permission
    /// The link for this account, or nil to leave it out (e.g. a page the inflow side has under another name).
    var link: @Sendable (CurrentUser) -> (href: String, label: String)?
    /// A number on the entry (unread notices), when there is one.
    var badge: (@Sendable (CurrentUser, Database) async throws -> Int?)? = nil
}

/// One line of a member's archive timeline. `sort` orders the timeline (newest first).
struct ArchiveEntry: Encodable, Sendable {
    var at: String
    var side: String
    var kind: String
    var text: String
    var sort: String

    init(at: String, side: String, kind: String, text: String) {
        self.at = at
        self.side = side
        self.kind = kind
        self.text = text
        self.sort = at
    }
}

/// What a demo hook gets: the transaction it writes in, the cipher, the day the demo is set on.
struct DemoContext: Sendable {
    let db: Database
    let cipher: FieldCipher
    let today: CalendarDate
    /// The demo's seed: the same seed gives the same demo.
    let seed: UInt64
}

/// Routes of one feature: public ones, and signed-in ones behind a permission (enforced by middleware on the group,
/// recorded on each route so that a test can compare what is enforced with the table).
struct FeatureRoutes {
    let `public`: RoutesBuilder
    let signedInRoot: RoutesBuilder
    /// Routes for a signed-in member (`/my`, `/api/v1/my…`): staff get 403 here, members 404 everywhere else.
    let member: RoutesBuilder

    /// Routes for accounts holding `permission`.
    func signedIn(_ permission: Permission) -> RoutesBuilder { signedIn(anyOf: [permission]) }

    /// Routes for accounts holding at least one of `permissions` (the handler decides between them).
    /// `hidden`: an account without them gets 404, as for something that does not exist — for one account's own
    /// resources (an import job), whose existence is nobody else's business.
    func signedIn(anyOf permissions: [Permission], hidden: Bool = false) -> RoutesBuilder {
        let guardian = RequirePermission(anyOf: permissions, hidden: hidden)
        return PermissionRoutes(base: signedInRoot.grouped(guardian), permissions: permissions, hidden: hidden)
    }
}

/// Tags each route with the permissions its group requires.
private struct PermissionRoutes: RoutesBuilder {
    let base: RoutesBuilder
    let permissions: [Permission]
    let hidden: Bool

    func add(_ route: Route) {
        route.userInfo[AnySendableHashable(RequirePermission.userInfoKey)] = permissions.map(\.rawValue)
        route.userInfo[AnySendableHashable(RequirePermission.hiddenKey)] = hidden
        base.add(route)
    }
}

/// 403 (or 404 when `hidden`) unless the signed-in account holds one of the permissions (after `RequireUser`, so
/// there is an account).
struct RequirePermission: AsyncMiddleware {
    static let userInfoKey = "liudong.permissions"
    static let hiddenKey = "liudong.permissions.hidden"
    let anyOf: [Permission]
    var hidden = false

    func respond(to req: Request, chainingTo next: AsyncResponder) async throws -> Response {
        let user = try req.user
        guard anyOf.contains(where: user.can) else { throw hidden ? AppError.notFound : AppError.forbidden }
        return try await next.respond(to: req)
    }
}

extension Route {
    /// The permissions enforced on this route (nil: a public route).
    var requiredPermissions: [Permission]? {
        (userInfo[AnySendableHashable(RequirePermission.userInfoKey)] as? [String]).map {
            $0.compactMap(Permission.init(rawValue:))
        }
    }

    /// The status an account without the permissions gets here.
    var deniedStatus: HTTPResponseStatus {
        (userInfo[AnySendableHashable(RequirePermission.hiddenKey)] as? Bool) == true ? .notFound : .forbidden
    }
}

/// Tags each route as a member's own (`Route.isMemberRoute`), so tests can tell them from public routes.
struct MemberRoutes: RoutesBuilder {
    static let userInfoKey = "liudong.member"
    let base: RoutesBuilder

    func add(_ route: Route) {
        route.userInfo[AnySendableHashable(Self.userInfoKey)] = true
        base.add(route)
    }
}

extension Route {
    /// A route for signed-in members only (`/my`).
    var isMemberRoute: Bool { (userInfo[AnySendableHashable(MemberRoutes.userInfoKey)] as? Bool) == true }
}
