import Fluent
import LiudongCore
import SQLKit
import Vapor

extension PointsController {
    /// `/points/ranking?org=&year=&page=`: live during the year, the frozen snapshot once published. Staff always
    /// see the full list of their scope.
    func ranking(req: Request) async throws -> Response {
        let user = try req.user
        guard !user.isInflowSide else { throw AppError.notFound }
        let org = try await req.scopeOrganization()
        var found = try await OrgTree.county(of: org, on: req.db)
        if found == nil { found = try await Self.firstPilot(under: org, req) }
        guard let county = found else { throw AppError.notFound }
        let scoped = county.path.hasPrefix(org.path) ? county : org
        let year = req.yearParameter()
        let pageNo = req.pageNumber()
        let size = 50
        let page = try await PointRanking.page(
            org: scoped, county: county, year: year, limit: size, offset: (pageNo - 1) * size, today: AppClock.today,
            on: req.db)
        struct View: Encodable {
            var org: String
            var orgName: String
            var county: String
            var year: Int
            var published: Bool
            var publishedNote: String?
            var count: Int
            var rows: [PointRanking.Row]
            var bands: [Pair]
            var page: Int
            var pages: Int
            var prev: Int?
            var next: Int?
            var counties: [Pair]
        }
        let pages = max(1, (page.count + size - 1) / size)
        let pilots = try await PointCounty.query(on: req.db).filter(\.$enabled == true).all().compactMap(\.id)
        let counties = try await PointRulesService.counties(for: user, on: req.db)
            .filter { pilots.contains($0.id!) && $0.path.hasPrefix(user.scopePath) }
        return try await req.page(
            "points/ranking", title: "积分排名",
            View(
                org: scoped.code, orgName: scoped.shortName, county: county.shortName, year: year,
                published: page.published,
                publishedNote: page.publication.map {
                    "\(year)年评比已于\(CalendarDate(date: $0.publishedAt ?? AppClock.now))公布并冻结（向党员\($0.publicForm.label)）"
                }, count: page.count, rows: page.rows, bands: page.bands.map { Pair($0.label, String($0.count)) },
                page: pageNo, pages: pages, prev: pageNo > 1 ? pageNo - 1 : nil,
                next: pageNo < pages ? pageNo + 1 : nil,
                counties: counties.map { Pair($0.code, $0.shortName) }))
    }

    /// The first pilot county under an organization above county level (the city).
    static func firstPilot(under org: Organization, _ req: Request) async throws -> Organization? {
        let pilots = try await PointCounty.query(on: req.db).filter(\.$enabled == true).all().compactMap(\.id)
        return try await Organization.query(on: req.db).filter(\.$id ~~ pilots).sort(\.$code).all()
            .first { $0.path.hasPrefix(org.path) }
    }

    /// A member's ledger for staff: every entry with its reason and source, claims, appeals and talks.
    func memberLedger(req: Request) async throws -> Response {
        let user = try req.user
        guard let id = req.parameters.get("id").flatMap({ UUID(uuidString: $0) }),
            let m = try await Member.find(id, on: req.db),
            let branch = try await Organization.find(m.organizationID, on: req.db), user.covers(branch),
            !user.isInflowSide
        else { throw AppError.notFound }
        let year = req.yearParameter()
        let ledger = try await MemberPoints.load(member: m, year: year, today: AppClock.today, on: req.db)
        struct View: Encodable {
            var id: String
            var name: String
            var branch: String
            var year: Int
            var ledger: MemberPoints
        }
        return try await req.page(
            "points/member", title: "\(m.name)的积分",
            View(id: id.uuidString, name: m.name, branch: branch.shortName, year: year, ledger: ledger))
    }
}

/// One member's year: total, standing and entries with their reasons, claims, appeals (for `/my/points`, staff and
/// the API).
struct MemberPoints: Encodable, Sendable {
    struct Entry: Encodable, Sendable {
        var id: String
        var on: String
        var itemCode: String
        var item: String
        var category: String
        var points: Int
        var nominal: Int
        var capped: Bool
        var status: String
        var statusLabel: String
        var sourceKind: String
        var sourceLabel: String
        var sourceId: String
        var ruleVersion: Int
        var reason: String
        var appeal: String?
        var appealable: Bool
    }

    struct Claim: Encodable, Sendable {
        var id: String
        var on: String
        var item: String
        var description: String
        var status: String
        var decision: String?
        var photo: Bool
    }

    var pilot: Bool
    var county: String?
    var total: Int
    var rank: Int?
    var count: Int?
    var band: String?
    var published: Bool
    var entries: [Entry]
    var claims: [Claim]
    var closedThrough: String?

    static func load(member: Member, year: Int, today: CalendarDate, on db: Database) async throws -> MemberPoints {
        let county = try await PointClaimsService.pilotCounty(of: member, on: db)
        let sql = try db.sql()
        struct Row: Decodable {
            var id: UUID
            var on_day: String
            var item_code: String
            var item_name: String
            var category: String
            var points: Int
            var nominal: Int
            var capped: Bool
            var status: String
            var source_kind: String
            var source_id: String
            var rule_version: Int
            var reason: String
        }
        let rows = try await sql.raw(
            """
            SELECT id, on_day, item_code, item_name, category, points, nominal, capped, status, source_kind, source_id,
                   rule_version, reason
            FROM point_entries WHERE member_id = \(bind: member.id!) AND year = \(bind: year)
            ORDER BY on_day DESC, item_code, source_id
            """
        ).all(decoding: Row.self)
        let appeals = Dictionary(
            try await PointAppeal.query(on: db).filter(\.$memberID == member.id!).sort(\.$createdAt).all()
                .map { ($0.entryID, $0) }, uniquingKeysWith: { _, b in b })
        let settings = try await county.asyncMap { try await PointCounty.find($0.id!, on: db) } ?? nil
        let closed = settings?.closedThrough ?? ""
        let standing =
            try await county.asyncMap {
                try await PointRanking.standing(member: member.id!, county: $0, year: year, today: today, on: db)
            } ?? nil
        let claims = try await PointClaim.query(on: db).filter(\.$memberID == member.id!).sort(
            \.$createdAt, .descending
        )
        .range(0..<50).all()
        return MemberPoints(
            pilot: county != nil, county: county?.shortName,
            total: standing?.total ?? rows.reduce(0) { $0 + $1.points }, rank: standing?.rank, count: standing?.count,
            band: standing?.band, published: standing?.published ?? false,
            entries: rows.map { r in
                let a = appeals[r.id]
                let status = EntryStatus(rawValue: r.status) ?? .counted
                return Entry(
                    id: r.id.uuidString, on: r.on_day, itemCode: r.item_code, item: r.item_name,
                    category: PointCategory(rawValue: r.category)?.label ?? r.category, points: r.points,
                    nominal: r.nominal, capped: r.capped, status: status.rawValue, statusLabel: status.label,
                    sourceKind: r.source_kind, sourceLabel: PointSource(rawValue: r.source_kind)?.factLabel ?? "",
                    sourceId: r.source_id, ruleVersion: r.rule_version, reason: r.reason,
                    appeal: a.map { "申诉：\($0.reason) — \($0.status.label)" + ($0.outcome.map { "：\($0)" } ?? "") },
                    appealable: status != .revoked && a?.status != .pending && r.on_day > closed)
            },
            claims: claims.map {
                Claim(
                    id: $0.id!.uuidString, on: $0.onDay, item: $0.itemCode, description: $0.description,
                    status: $0.status.label, decision: $0.decisionReason, photo: $0.photoSHA256 != nil)
            }, closedThrough: settings?.closedThrough)
    }
}
