import Fluent
import LiudongCore
import Vapor

/// Every feature of the application, in the order their navigation, archive and worklist contributions are asked.
/// Adding a feature: its folder, with a type conforming to `Feature`, and one line here.
enum Features {
    static let all: [any Feature] = [
        SystemFeature(),
        ClusterFeature(),
        HomeFeature(),
        WorklistFeature(),
        AccountsFeature(),
        OrganizationsFeature(),
        MembersFeature(),
        RosterDuplicatesFeature(),
        AuditFeature(),
        FlowsFeature(),
        SelfReportFeature(),
        ReviewFeature(),
        NoticesFeature(),
        LedgersFeature(),
        StatisticsFeature(),
        ReconciliationFeature(),
        ImportsFeature(),
        MatchingFeature(),
        ProxyFeature(),
        MemberPortalFeature(),
        // The member's inbox: its tile first on /my.
        NotifyInboxFeature(),
        PairingsFeature(),
        ContactsFeature(),
        AgreementsFeature(),
        MobileOrgsFeature(),
        CertificatesFeature(),
        OrgLifeFeature(),
        ComplianceFeature(),
        PartyGroupsFeature(),
        RectificationFeature(),
        LearningMenuFeature(),
        QuizFeature(),
        TwoPlacesFeature(),
        StudyAtHomeFeature(),
        HomeVisitsFeature(),
        RedPackagesFeature(),
        PointRulesFeature(),
        PointLedgerFeature(),
        PointClaimsFeature(),
        PointRankingFeature(),
        PointTalksFeature(),
        RecognitionFeature(),
        CareFeature(),
        CalendarFeature(),
        RequestsFeature(),
        TalentFeature(),
        TransfersFeature(),
        ExitsFeature(),
        NationalTodoFeature(),
        LostContactFeature(),
        MergesFeature(),
        DuesLedgerFeature(),
        DuesCollectionFeature(),
        DuesImportFeature(),
        NotifySendingFeature(),
        NotifyStaffFeature(),
        NotifyRemindersFeature(),
        DemoFeature(),
    ]

    /// Every migration of every feature, in the global order of their numbers.
    static func migrations(_ app: Application, features: [any Feature] = all) -> [NumberedMigration] {
        features.flatMap { $0.migrations(app) }.sorted { $0.number < $1.number }
    }

    static func registerMigrations(on app: Application) {
        for numbered in migrations(app, features: app.features) { app.migrations.add(numbered.migration) }
    }

    static func registerRoutes(on app: Application) throws {
        let routes = FeatureRoutes(
            public: app.routes, signedInRoot: app.grouped(RequireUser()),
            member: MemberRoutes(base: app.grouped(RequireMember())))
        for feature in app.features { try feature.routes(routes) }
    }

    static func registerCommands(on app: Application) {
        for feature in app.features {
            for (name, command) in feature.commands { app.asyncCommands.use(command, as: name) }
        }
    }

    /// The navigation bar for an account: every feature's entries it holds the permission for, in their order.
    static func navigation(
        for user: CurrentUser, path: String, features: [any Feature] = all,
        on db: Database
    ) async throws -> [Layout.NavItem] {
        let entries = features.flatMap(\.navigation).filter { user.can($0.permission) }.sorted { $0.order < $1.order }
        var items: [Layout.NavItem] = []
        for entry in entries {
            guard let link = entry.link(user) else { continue }
            let active = link.href == "/" ? path == "/" : path.hasPrefix(link.href)
            let badge = try await entry.badge?(user, db) ?? nil
            items.append(Layout.NavItem(href: link.href, label: link.label, active: active, badge: badge))
        }
        return items
    }

    /// A member's archive timeline from every feature, newest first.
    static func archive(_ member: Member, features: [any Feature] = all, on db: Database) async throws -> [ArchiveEntry]
    {
        var entries: [ArchiveEntry] = []
        for feature in features { entries += try await feature.archive(member, on: db) }
        return entries.sorted { $0.sort > $1.sort }
    }

    /// Every feature's tiles on a member's phone page.
    static func myTiles(_ member: CurrentMember, features: [any Feature], on db: Database, cipher: FieldCipher)
        async throws -> [MyTile]
    {
        var tiles: [MyTile] = []
        for feature in features { tiles += try await feature.myTiles(member, on: db, cipher: cipher) }
        return tiles
    }

    /// Each feature's demo data, after the demo loader's organizations, members, flows and accounts.
    static func loadDemo(_ demo: DemoContext) async throws {
        for feature in all { try await feature.loadDemo(demo) }
    }
}

extension Application {
    private struct FeaturesKey: StorageKey {
        typealias Value = [any Feature]
    }

    /// The features this application was configured with (`Features.all` unless a test adds one).
    var features: [any Feature] {
        get { storage[FeaturesKey.self] ?? Features.all }
        set { storage[FeaturesKey.self] = newValue }
    }
}
