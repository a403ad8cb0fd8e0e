import Fluent
import LiudongCore
import SQLKit
import Vapor

/// Measure 4b 结对帮带 — contacts (联络): a contact every quarter by a paired cadre (`Pairing/Pairings`), confirmed by
/// the member; quarter compliance, reminders, and the committee's half-year report and hearing.
struct ContactsFeature: Feature {
    let name = "contacts"

    func routes(_ routes: FeatureRoutes) throws {
        try ContactPages().boot(routes)
        try ContactReportPages().boot(routes)
    }

    var commands: [(name: String, command: any AsyncCommand)] { [("report", ReportCommand())] }

    var navigation: [NavEntry] {
        [
            NavEntry(order: 63, permission: .viewContactReports, link: { _ in ("/contacts", "联系情况") })
        ]
    }

    func archive(_ member: Member, on db: Database) async throws -> [ArchiveEntry] {
        guard let id = member.id else { return [] }
        let byID = Dictionary(uniqueKeysWithValues: try await PairingStore.all(of: id, on: db).map { ($0.id!, $0) })
        return try await ContactStore.contacts(of: id, limit: 100_000, on: db).map { c in
            let p = byID[c.pairingID]
            return ArchiveEntry(
                at: c.contactOn, side: p?.side.label ?? "", kind: "联系",
                text: "\(p?.cadreName ?? "")\(c.method.label)：\(c.summary)（\(c.answer?.label ?? "待本人确认")）")
        }
    }

    /// A city's or province's contact compliance page for the current quarter, counted by the roll-up.
    var rolledFigures: [RolledFigure] {
        [
            RolledFigure("contactCompliance") { org, db in
                try await ContactPages.complianceView(for: org, quarter: Quarter(containing: AppClock.today), on: db)
            }
        ]
    }

    /// Members not contacted this quarter, per branch (overdue in the quarter's last month); the cadre's own pairs;
    /// committees that have not heard the half-year report (overdue 30 days after the half-year).
    var rolledCounts: [RolledCount] {
        [
            RolledCount("contactsDue") {
                let quarter = Quarter(containing: $0.today)
                return PerOrg(
                    try await ContactStore.notContacted(under: $0.path, since: quarter.firstDay, on: $0.sql()))
            },
            RolledCount("hearings") {
                let half = HalfYear(containing: $0.today).previous
                let missing = try await ContactStore.hearings(under: $0.path, half: half, on: $0.db)
                    .filter { $0.heldOn == nil }
                return PerOrg(counts: Dictionary(missing.map { ($0.id, 1) }, uniquingKeysWith: +))
            },
        ]
    }

    func worklist(_ scope: WorkScope) async throws -> [WorkTally] {
        let sql = try scope.sql()
        let quarter = Quarter(containing: scope.today)
        let lastMonth = scope.today.month % 3 == 0
        var tallies: [WorkTally] = []
        if scope.user.can(.viewContactReports) {
            let due = try await scope.counts("contactsDue", in: self)
            tallies.append(
                WorkTally(
                    kind: "contactsDue", label: "本季度尚未联系的流动党员", href: "/contacts", counts: due.counts,
                    overdue: lastMonth ? due.counts : [:]))
        }
        let mine = try await ContactStore.myPairsNotContacted(
            account: scope.user.accountID, since: quarter.firstDay, on: sql)
        tallies.append(
            WorkTally(
                kind: "myContactsDue", label: "我结对的党员本季度待联系", href: "/pairings?mine=1",
                counts: [scope.user.scopeID: mine], overdue: lastMonth ? [scope.user.scopeID: mine] : [:],
                personal: true))
        if scope.user.can(.viewContactReports) {
            let half = HalfYear(containing: scope.today).previous
            let late = scope.today > half.lastDay.adding(days: ContactRules.hearingGraceDays)
            let counts = try await scope.counts("hearings", in: self).counts
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
        let lines = try await ContactStore.ofMember(member.memberID, year: year, on: db).map { c, p in
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

    /// Thirty days before a quarter ends, each branch with members not yet contacted gets one notice.
    func sweep(_ app: Application, today: CalendarDate) async throws -> [String] {
        var lines: [String] = []
        let quarter = Quarter(containing: today)
        guard today >= quarter.lastDay.adding(days: -30) else { return lines }
        let sql = try app.db.sql()
        let due = try await ContactStore.notContacted(under: "/", since: quarter.firstDay, on: sql)
        let title = "\(quarter.chinese)尚有流动党员未联系"
        var sent = 0
        for row in due where row.n > 0 {
            guard let org = try await Organization.find(row.org_id, on: app.db) else { continue }
            guard try await !ContactStore.reminded(org: row.org_id, title: title, on: app.db) else { continue }
            try await Notice(
                org: org, kind: .contact,
                title: "\(title)：\(row.n)人，季度末为\(quarter.lastDay.chinese)，请结对人尽快联系", link: "/contacts?org=\(org.code)"
            ).create(on: app.db)
            sent += 1
        }
        if sent > 0 { lines.append("向\(sent)个党支部发出季度联系提醒") }
        return lines
    }
}
