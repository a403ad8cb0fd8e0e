import Fluent
import LiudongCore
import SQLKit
import Vapor

/// The committee's half-year contact report (每半年听取一次联络情况汇报): pairings and coverage, contacts by method
/// and by branch, confirmation, members contacted in neither quarter, needs raised and what became of them.
struct HalfYearReport: Content, Sendable {
    struct BranchRow: Content, Sendable {
        var code: String
        var name: String
        var mobileMembers: Int
        var paired: Int
        var contactedFirstQuarter: Int
        var contactedSecondQuarter: Int
        var phone: Int
        var video: Int
        var visit: Int
        var contacts: Int
        var confirmed: Int
    }
    struct Person: Content, Sendable {
        var memberId: UUID
        var name: String
        var branch: String
        var lastContactOn: String?
    }
    struct Need: Content, Sendable {
        var memberName: String
        var branch: String
        var contactOn: String
        var needs: String
        /// The next contact with the member after this one, when there was one (the need was followed up).
        var followedUpOn: String?
    }
    struct Hearing: Content, Sendable {
        var heldOn: String
        var chair: String
        var attendees: String
        var conclusions: String
        var followUp: String?
    }

    var org: String
    var orgName: String
    var half: String
    var halfLabel: String
    var from: String
    var to: String
    var mobileMembers: Int
    var paired: Int
    var cadres: Int
    var contacts: Int
    var byMethod: [String: Int]
    var confirmed: Int
    var denied: Int
    var confirmationShare: Double
    var contactedBothQuarters: Int
    var branches: [BranchRow]
    var notContacted: [Person]
    var needs: [Need]
    var hearing: Hearing?

    static func build(org: Organization, half: HalfYear, on db: Database) async throws -> HalfYearReport {
        let sql = try db.sql()
        let whole = try await ContactFigures.members(under: org.path, from: half.firstDay, to: half.lastDay, on: sql)
        let q1 = try await ContactFigures.members(
            under: org.path, from: half.quarters[0].firstDay, to: half.quarters[0].lastDay, on: sql)
        let q2 = try await ContactFigures.members(
            under: org.path, from: half.quarters[1].firstDay, to: half.quarters[1].lastDay, on: sql)
        let contacted1 = Set(q1.filter(\.wasContacted).map(\.member_id))
        let contacted2 = Set(q2.filter(\.wasContacted).map(\.member_id))
        let orgIDs = Array(Set(whole.map(\.org_id)))
        let orgs = try await orgIDs.isEmpty ? [] : Organization.query(on: db).filter(\.$id ~~ orgIDs).all()
        let orgByID = Dictionary(uniqueKeysWithValues: orgs.map { ($0.id!, $0) })
        var branches: [BranchRow] = []
        for (orgID, rows) in Dictionary(grouping: whole, by: \.org_id) {
            let o = orgByID[orgID]
            branches.append(
                BranchRow(
                    code: o?.code ?? "", name: o?.shortName ?? "", mobileMembers: rows.count,
                    paired: rows.filter { $0.paired > 0 }.count,
                    contactedFirstQuarter: rows.filter { contacted1.contains($0.member_id) }.count,
                    contactedSecondQuarter: rows.filter { contacted2.contains($0.member_id) }.count,
                    phone: rows.map(\.phone).reduce(0, +), video: rows.map(\.video).reduce(0, +),
                    visit: rows.map(\.visit).reduce(0, +), contacts: rows.map(\.contacts).reduce(0, +),
                    confirmed: rows.map(\.confirmed).reduce(0, +)))
        }
        branches.sort { $0.code < $1.code }
        // From the subtree's organizations to their members who ever flowed to their contacts (SQLite keeps the
        // written order of a CROSS JOIN), never from every contact of the half-year in the province.
        let tally = try await sql.raw(
            """
            SELECT COUNT(*) AS n, SUM(CASE WHEN c.answer = 'denied' THEN 1 ELSE 0 END) AS denied
            FROM organizations o CROSS JOIN members m CROSS JOIN contacts c
            WHERE \(PathPrefix("o.path", org.path)) AND m.organization_id = o.id AND m.flow_status IS NOT NULL
              AND c.member_id = m.id AND c.contact_on BETWEEN \(bind: half.firstDay.description) AND \(bind: half.lastDay.description)
            """
        ).first(decoding: TallyRow.self)
        let cadres =
            try await sql.raw(
                """
                SELECT COUNT(DISTINCT p.cadre_phone_hash) AS n FROM organizations o CROSS JOIN members m CROSS JOIN pairings p
                WHERE \(PathPrefix("o.path", org.path)) AND m.organization_id = o.id AND m.flow_status IS NOT NULL
                  AND p.member_id = m.id AND p.side = 'outflow' AND p.started_on <= \(bind: half.lastDay.description)
                  AND (p.ended_on IS NULL OR p.ended_on >= \(bind: half.firstDay.description))
                """
            ).first(decoding: CountResult.self)?.n ?? 0
        let needs = try await sql.raw(
            """
            SELECT m.name, o.short_name, c.contact_on, c.needs,
              (SELECT MIN(l.contact_on) FROM contacts l WHERE l.member_id = c.member_id AND l.contact_on > c.contact_on) AS followed
            FROM organizations o CROSS JOIN members m CROSS JOIN contacts c
            WHERE \(PathPrefix("o.path", org.path)) AND m.organization_id = o.id AND m.flow_status IS NOT NULL
              AND c.member_id = m.id AND c.needs IS NOT NULL AND c.needs <> ''
              AND c.contact_on BETWEEN \(bind: half.firstDay.description) AND \(bind: half.lastDay.description)
            ORDER BY c.contact_on LIMIT 2000
            """
        ).all(decoding: NeedRow.self)
        let hearing = try await ContactHearing.query(on: db).filter(\.$orgID == org.id!)
            .filter(\.$half == half.description).first()
        let contacts = whole.map(\.contacts).reduce(0, +)
        let confirmed = whole.map(\.confirmed).reduce(0, +)
        return HalfYearReport(
            org: org.code, orgName: org.name, half: half.description, halfLabel: half.chinese,
            from: half.firstDay.description, to: half.lastDay.description, mobileMembers: whole.count,
            paired: whole.filter { $0.paired > 0 }.count, cadres: cadres, contacts: contacts,
            byMethod: [
                "phone": whole.map(\.phone).reduce(0, +), "video": whole.map(\.video).reduce(0, +),
                "visit": whole.map(\.visit).reduce(0, +),
            ],
            confirmed: confirmed, denied: tally?.denied ?? 0,
            confirmationShare: contacts == 0 ? 0 : (Double(confirmed) / Double(contacts) * 10000).rounded() / 10000,
            contactedBothQuarters: whole.filter {
                contacted1.contains($0.member_id) && contacted2.contains($0.member_id)
            }
            .count,
            branches: branches,
            notContacted: whole.filter { !$0.wasContacted }.map {
                Person(
                    memberId: $0.member_id, name: $0.name, branch: orgByID[$0.org_id]?.shortName ?? "",
                    lastContactOn: $0.last_contact_on)
            },
            needs: needs.map {
                Need(
                    memberName: $0.name, branch: $0.short_name, contactOn: $0.contact_on, needs: $0.needs,
                    followedUpOn: $0.followed)
            },
            hearing: hearing.map {
                Hearing(
                    heldOn: $0.heldOn, chair: $0.chair, attendees: $0.attendees, conclusions: $0.conclusions,
                    followUp: $0.followUp)
            })
    }

    func percent(_ part: Int, _ whole: Int) -> String { Compliance.percent(part, of: whole) }

    /// The report as an .xlsx workbook (opens in Excel and WPS): summary, per branch, not contacted, needs.
    func writeXLSX(to path: String) throws {
        let w = try LedgerXLSXWriter(path: path)
        let title = "\(orgName)\(halfLabel)流动党员结对联络情况汇报"
        try w.writeTable(
            sheet: "汇总", title: title, header: ["项目", "数值"],
            rows: [
                ["统计期间", "\(from) 至 \(to)"], ["流动党员（人）", "\(mobileMembers)"], ["已结对（人）", "\(paired)"],
                ["结对覆盖率", percent(paired, mobileMembers)], ["结对人（人）", "\(cadres)"], ["联系（次）", "\(contacts)"],
                ["电话随访（次）", "\(byMethod["phone"] ?? 0)"], ["视频约访（次）", "\(byMethod["video"] ?? 0)"],
                ["上门走访（次）", "\(byMethod["visit"] ?? 0)"], ["本人确认（次）", "\(confirmed)"],
                ["确认率", percent(confirmed, contacts)], ["本人称未联系（次）", "\(denied)"],
                ["两个季度均有联系（人）", "\(contactedBothQuarters)"], ["半年内未联系（人）", "\(notContacted.count)"],
                ["听取汇报", hearing.map { "\($0.heldOn)，主持：\($0.chair)" } ?? "尚未听取"],
            ], numberColumns: [1], widths: [26, 40])
        try w.writeTable(
            sheet: "按支部", title: title + "（按党支部）",
            header: ["党组织", "流动党员", "已结对", "一季度已联系", "二季度已联系", "电话", "视频", "上门", "联系次数", "本人确认"],
            rows: branches.map {
                [
                    $0.name, "\($0.mobileMembers)", "\($0.paired)", "\($0.contactedFirstQuarter)",
                    "\($0.contactedSecondQuarter)", "\($0.phone)", "\($0.video)", "\($0.visit)", "\($0.contacts)",
                    "\($0.confirmed)",
                ]
            }, numberColumns: Set(1...9), widths: [28])
        try w.writeTable(
            sheet: "半年未联系", title: "两个季度均未联系的流动党员", header: ["姓名", "党组织", "最近联系"],
            rows: notContacted.map { [$0.name, $0.branch, $0.lastContactOn ?? "从未联系"] }, widths: [14, 28, 14])
        try w.writeTable(
            sheet: "诉求", title: "联系中提出的诉求及跟进", header: ["联系日期", "姓名", "党组织", "诉求", "后续跟进"],
            rows: needs.map {
                [$0.contactOn, $0.memberName, $0.branch, $0.needs, $0.followedUpOn.map { "\($0)再次联系" } ?? "尚未跟进"]
            }, widths: [12, 12, 24, 50, 16])
        try w.close()
    }
}

private struct TallyRow: Decodable {
    var n: Int
    var denied: Int?
}

private struct NeedRow: Decodable {
    var name: String
    var short_name: String
    var contact_on: String
    var needs: String
    var followed: String?
}
