import Fluent
import LiudongCore
import SQLKit
import Vapor

/// Measure 4b 结对帮带: cadres of both sides paired with mobile members, a contact every quarter (confirmed by the
/// member), quarter compliance, and the committee's half-year report and hearing.
struct PairingFeature: Feature {
    let name = "pairing"

    func migrations(_ app: Application) -> [NumberedMigration] {
        [NumberedMigration(16, CreatePairings()), NumberedMigration(17, IndexPairingsByCadreAccount())]
    }

    func routes(_ routes: FeatureRoutes) throws {
        try PairingController().boot(routes)
        try ContactController().boot(routes)
        try ContactReportController().boot(routes)
    }

    var commands: [(name: String, command: any AsyncCommand)] { [("report", ReportCommand())] }

    var navigation: [NavEntry] {
        [
            NavEntry(order: 62, permission: .managePairings, link: { _ in ("/pairings", "结对帮带") }),
            NavEntry(order: 63, permission: .viewContactReports, link: { _ in ("/contacts", "联系情况") }),
        ]
    }

    var openAPI: String? { PairingOpenAPI.part }

    func archive(_ member: Member, on db: Database) async throws -> [ArchiveEntry] {
        guard let id = member.id else { return [] }
        let pairings = try await Pairing.query(on: db).filter(\.$memberID == id).all()
        let byID = Dictionary(uniqueKeysWithValues: pairings.map { ($0.id!, $0) })
        var entries = pairings.map { p in
            ArchiveEntry(
                at: p.startedOn, side: p.side.label, kind: "结对",
                text: "\(p.cadreName)（\(p.cadrePost)）结对" + (p.endedOn.map { "，\($0)解除：\(p.endReason ?? "")" } ?? ""))
        }
        for c in try await Contact.query(on: db).filter(\.$memberID == id).all() {
            let p = byID[c.pairingID]
            entries.append(
                ArchiveEntry(
                    at: c.contactOn, side: p?.side.label ?? "", kind: "联系",
                    text: "\(p?.cadreName ?? "")\(c.method.label)：\(c.summary)（\(c.answer?.label ?? "待本人确认")）"))
        }
        return entries
    }

    /// Members not contacted this quarter, per branch (overdue in the quarter's last month); the cadre's own pairs;
    /// committees that have not heard the half-year report (overdue 30 days after the half-year).
    func worklist(_ scope: WorkScope) async throws -> [WorkTally] {
        let sql = try scope.sql()
        let quarter = Quarter(containing: scope.today)
        let lastMonth = scope.today.month % 3 == 0
        var tallies: [WorkTally] = []
        if scope.user.can(.viewContactReports) {
            let due = try await PairingWork.notContacted(under: scope.user.scopePath, since: quarter.firstDay, on: sql)
            tallies.append(
                WorkTally(
                    kind: "contactsDue", label: "本季度尚未联系的流动党员", href: "/contacts", counts: due.counts,
                    overdue: lastMonth ? due.counts : [:]))
        }
        let mine = try await PairingWork.myPairsNotContacted(
            account: scope.user.accountID, since: quarter.firstDay, on: sql)
        tallies.append(
            WorkTally(
                kind: "myContactsDue", label: "我结对的党员本季度待联系", href: "/pairings?mine=1",
                counts: [scope.user.scopeID: mine], overdue: lastMonth ? [scope.user.scopeID: mine] : [:],
                personal: true))
        if scope.user.can(.viewContactReports) {
            let half = HalfYear(containing: scope.today).previous
            let late = scope.today > half.lastDay.adding(days: ContactReportController.hearingGraceDays)
            let missing = try await HearingStore.status(under: scope.user.scopePath, half: half, on: scope.db)
                .filter { $0.held_on == nil }
            let counts = Dictionary(missing.map { ($0.id, 1) }, uniquingKeysWith: +)
            tallies.append(
                WorkTally(
                    kind: "hearings", label: "\(half.chinese)联络情况汇报待听取",
                    href: "/contacts/hearings?half=\(half)", counts: counts, overdue: late ? counts : [:]))
        }
        return tallies
    }

    /// The member's contacts this year (and last year's not yet answered), each to confirm (确认联系) or to say it did
    /// not happen.
    func myTiles(_ member: CurrentMember, on db: Database, cipher: FieldCipher) async throws -> [MyTile] {
        let year = AppClock.today.year
        let lines = try await ContactService.ofMember(member.memberID, year: year, on: db).map { c, p in
            MyTile.Line(
                text: "\(c.contactOn) \(c.method.label) · \(p?.cadreName ?? "")（\(p?.cadrePost ?? "")）",
                note: c.answer.map { "\($0.label)：\(c.summary)" } ?? c.summary,
                actions: c.answer != nil
                    ? []
                    : [
                        .init(label: "确认联系", path: "/my/contacts/\(c.id!.uuidString)/confirm", primary: true),
                        .init(label: "没有联系过", path: "/my/contacts/\(c.id!.uuidString)/deny"),
                    ])
        }
        return [MyTile(id: "contacts", title: "党组织与我的联系", lines: lines, empty: "今年还没有联系记录。")]
    }

    /// Thirty days before a quarter ends, each branch with members not yet contacted gets one notice; pairings whose
    /// flow closed or whose member moved branch end.
    func sweep(_ app: Application, today: CalendarDate) async throws -> [String] {
        var lines: [String] = []
        let ended = try await PairingService.endStale(on: app.db, today: today)
        if ended > 0 { lines.append("自动解除结对\(ended)个（流动结束或组织关系转出）") }
        let quarter = Quarter(containing: today)
        guard today >= quarter.lastDay.adding(days: -30) else { return lines }
        let sql = try app.db.sql()
        let due = try await PairingWork.notContacted(under: "/", since: quarter.firstDay, on: sql)
        let title = "\(quarter.chinese)尚有流动党员未联系"
        var sent = 0
        for row in due where row.n > 0 {
            guard let org = try await Organization.find(row.org_id, on: app.db) else { continue }
            let already = try await Notice.query(on: app.db).filter(\.$orgID == row.org_id)
                .filter(\.$kind == NoticeKind.contact.rawValue).filter(\.$title ~~ title).count()
            guard already == 0 else { continue }
            try await Notice(
                org: org, kind: .contact,
                title: "\(title)：\(row.n)人，季度末为\(quarter.lastDay.chinese)，请结对人尽快联系", link: "/contacts?org=\(org.code)"
            ).create(on: app.db)
            sent += 1
        }
        if sent > 0 { lines.append("向\(sent)个党支部发出季度联系提醒") }
        return lines
    }

    func loadDemo(_ demo: DemoContext) async throws { try await PairingDemo.load(demo) }
}

/// The worklist's and the reminders' counts.
enum PairingWork {
    /// Members flowing now under `path` with no contact since `since`, per branch.
    static func notContacted(under path: String, since: CalendarDate, on sql: SQLDatabase) async throws -> [OrgCount] {
        let open = FlowState.allCases.filter(\.isOpen).map { SQLBind($0.rawValue) as any SQLExpression }
        return try await sql.raw(
            """
            SELECT m.organization_id AS org_id, COUNT(*) AS n FROM organizations o CROSS JOIN members m
            WHERE \(PathPrefix("o.path", path)) AND m.organization_id = o.id AND m.flow_status IN \(SQLGroupExpression(open))
              AND NOT EXISTS (SELECT 1 FROM contacts c WHERE c.member_id = m.id AND c.contact_on >= \(bind: since.description))
            GROUP BY m.organization_id
            """
        ).all(decoding: OrgCount.self)
    }

    /// The account's own open pairings (as a cadre) whose member has had no contact since `since`.
    static func myPairsNotContacted(account: UUID, since: CalendarDate, on sql: SQLDatabase) async throws -> Int {
        try await sql.raw(
            """
            SELECT COUNT(*) AS n FROM pairings p WHERE p.cadre_account_id = \(bind: account) AND p.ended_on IS NULL
              AND NOT EXISTS (SELECT 1 FROM contacts c WHERE c.member_id = p.member_id AND c.contact_on >= \(bind: since.description))
            """
        ).first(decoding: CountResult.self)?.n ?? 0
    }
}
