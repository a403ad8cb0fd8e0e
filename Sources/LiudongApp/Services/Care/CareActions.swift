import Fluent
import Foundation
import LiudongCore
import SQLKit
import Vapor

/// Hardship help and festival care (困难帮扶、节日慰问): the register, the help given, campaigns, their targets per
/// branch and the visits recorded.
enum CareActions {
    struct RegisterForm: Content {
        var kind: String?
        var level: String?
        var description: String?
        var verifiedBy: String?
        var verifiedOn: String?
    }

    /// Registers a member in difficulty (one open record per member), verified by a named person on a day.
    static func register(
        _ f: RegisterForm, member: Member, by user: CurrentUser, today: CalendarDate, on db: Database
    ) async throws -> HardshipRecord {
        var errors: [FieldError] = []
        let kind = f.kind.flatMap(HardshipKind.init(rawValue:))
        if kind == nil { errors.append(FieldError("kind", "请选择困难类型")) }
        let level = f.level.flatMap { Int($0) }.flatMap(HardshipLevel.init(rawValue:))
        if level == nil { errors.append(FieldError("level", "请选择困难程度")) }
        let text = Normalize.text(f.description)
        if (text?.count ?? 0) < 5 || (text?.count ?? 0) > 1_000 {
            errors.append(FieldError("description", "请写明困难情况（5至1000字）"))
        }
        let verifier = Normalize.text(f.verifiedBy)
        if verifier == nil || (verifier?.count ?? 0) > 30 { errors.append(FieldError("verifiedBy", "请写明核实人")) }
        let verified = f.verifiedOn.flatMap { CalendarDate($0) }
        if verified == nil || (verified.map { $0 > today } ?? false) {
            errors.append(FieldError("verifiedOn", "请填写核实日期（不晚于今天）"))
        }
        guard errors.isEmpty, let kind, let level, let text, let verifier, let verified else {
            throw AppError.invalid(errors)
        }
        if try await HardshipRecord.query(on: db).filter(\.$memberID == member.id!).filter(\.$status == "active")
            .first() != nil
        {
            throw AppError.conflict("\(member.name)已在困难党员名册中，请在原记录上复核或记录帮扶")
        }
        let r = HardshipRecord()
        r.id = UUID()
        r.memberID = member.id!
        r.kind = kind
        r.level = level.rawValue
        r.description = text
        r.verifiedBy = verifier
        r.verifiedOn = verified.description
        r.reviewDue = verified.adding(days: 365).description
        r.status = "active"
        r.createdBy = user.username
        try await r.create(on: db)
        return r
    }

    /// The yearly review: still in difficulty (verified again, the next review a year on), or closed with a reason.
    static func review(
        _ r: HardshipRecord, keep: Bool, note: String?, by user: CurrentUser, today: CalendarDate, on db: Database
    ) async throws {
        guard r.status == "active" else { throw AppError.conflict("这条记录已经销号") }
        if keep {
            r.verifiedBy = user.displayName
            r.verifiedOn = today.description
            r.reviewDue = today.adding(days: 365).description
        } else {
            guard let reason = Normalize.text(note), reason.count >= 2, reason.count <= 200 else {
                throw AppError.invalid([FieldError("note", "请写明销号原因")])
            }
            r.status = "closed"
            r.closedReason = reason
        }
        try await r.update(on: db)
    }

    struct HelpForm: Content {
        var givenOn: String?
        var form: String?
        var amount: String?
        var goods: String?
        var givenBy: String?
        var source: String?
    }

    static func help(
        _ f: HelpForm, record: HardshipRecord, by user: CurrentUser, today: CalendarDate, on db: Database
    ) async throws -> HardshipHelp {
        var errors: [FieldError] = []
        let day = f.givenOn.flatMap { CalendarDate($0) }
        if day == nil || (day.map { $0 > today } ?? false) {
            errors.append(FieldError("givenOn", "请填写帮扶日期（不晚于今天）"))
        }
        let form = f.form == "goods" ? "goods" : f.form == "money" ? "money" : nil
        if form == nil { errors.append(FieldError("form", "请选择资金或物资")) }
        let amount = f.amount.flatMap { Int($0.trimmingCharacters(in: .whitespaces)) }
        if amount == nil || !(0...1_000_000).contains(amount ?? -1) {
            errors.append(FieldError("amount", "金额（元）应为0至1000000的整数"))
        }
        let goods = Normalize.text(f.goods)
        if form == "goods", goods == nil { errors.append(FieldError("goods", "请写明物资")) }
        let by = Normalize.text(f.givenBy)
        if by == nil || (by?.count ?? 0) > 60 { errors.append(FieldError("givenBy", "请写明帮扶人或单位")) }
        let source = Normalize.text(f.source)
        if source == nil || (source?.count ?? 0) > 60 { errors.append(FieldError("source", "请写明资金或物资来源")) }
        guard errors.isEmpty, let day, let form, let amount, let by, let source else { throw AppError.invalid(errors) }
        guard record.status == "active" else { throw AppError.conflict("这条记录已经销号") }
        let h = HardshipHelp()
        h.id = UUID()
        h.recordID = record.id!
        h.memberID = record.memberID
        h.givenOn = day.description
        h.form = form
        h.amount = amount
        h.goods = goods.map { String($0.prefix(200)) }
        h.givenBy = by
        h.source = source
        h.recordedBy = user.username
        try await h.create(on: db)
        return h
    }

    struct CampaignForm: Content {
        var name: String?
        var festival: String?
        var startsOn: String?
        var endsOn: String?
        var hardship: String?
        var aged70: String?
        var party50: String?
        var longAway: String?
    }

    /// A campaign of the city or a county (the account's scope).
    static func createCampaign(_ f: CampaignForm, org: Organization, by user: CurrentUser, on db: Database)
        async throws -> CareCampaign
    {
        var errors: [FieldError] = []
        let festival = f.festival.flatMap(CareFestival.init(rawValue:))
        if festival == nil { errors.append(FieldError("festival", "请选择节日")) }
        let name = Normalize.text(f.name) ?? festival.map { "\(AppClock.today.year)年\($0.label)慰问" }
        if (name?.count ?? 0) > 40 { errors.append(FieldError("name", "名称不能超过40字")) }
        let start = f.startsOn.flatMap { CalendarDate($0) }
        let end = f.endsOn.flatMap { CalendarDate($0) }
        if start == nil { errors.append(FieldError("startsOn", "请填写开始日期")) }
        if end == nil { errors.append(FieldError("endsOn", "请填写结束日期")) }
        if let s = start, let e = end, e < s || s.adding(days: 92) < e {
            errors.append(FieldError("endsOn", "结束日期应在开始日期之后，且活动不超过三个月"))
        }
        let criteria = CareCriteria(
            hardship: f.hardship != nil, aged70: f.aged70 != nil, party50: f.party50 != nil, longAway: f.longAway != nil
        )
        if !criteria.any { errors.append(FieldError("criteria", "请至少选择一类慰问对象")) }
        guard errors.isEmpty, let festival, let name, let start, let end else { throw AppError.invalid(errors) }
        let c = CareCampaign()
        c.id = UUID()
        c.orgID = org.id!
        c.name = name
        c.festival = festival
        c.startsOn = start.description
        c.endsOn = end.description
        c.criteriaJSON = String(decoding: try JSONEncoder().encode(criteria), as: UTF8.self)
        c.createdBy = user.username
        try await c.create(on: db)
        return c
    }

    /// A member the campaign visits, with why, and the visit when recorded.
    struct Target: Encodable {
        var memberID: String
        var name: String
        var orgID: Int
        var orgCode: String
        var branch: String
        var reasons: String
        var visited: Bool
        var visit: String?
    }

    private struct Row: Decodable {
        var id: UUID
        var name: String
        var organization_id: Int
        var code: String
        var short_name: String
        var birth_date: String
        var joined_on: String
        var hardship: Int?
        var away_since: String?
        var visited_on: String?
        var way: String?
        var visitor: String?
        var gifts: String?
    }

    /// Every target of the campaign under `path` (the campaign's organization's subtree), by branch then name.
    static func targets(_ c: CareCampaign, under path: String, on db: Database) async throws -> [Target] {
        guard let start = CalendarDate(c.startsOn) else { return [] }
        let k = c.criteria
        let open = SQLBind.group(LedgerService.openStates)
        var any: [SQLQueryString] = []
        if k.hardship {
            any.append("m.id IN (SELECT h.member_id FROM hardship_records h WHERE h.status = 'active')")
        }
        if k.aged70, let cut = CalendarDate(year: start.year - 70, month: start.month, day: min(start.day, 28)) {
            any.append("m.birth_date <= \(bind: cut.description)")
        }
        if k.party50, let cut = CalendarDate(year: start.year - 50, month: start.month, day: min(start.day, 28)) {
            any.append("m.joined_on <= \(bind: cut.description)")
        }
        if k.longAway {
            any.append(
                "m.id IN (SELECT f.member_id FROM flows f WHERE f.status IN \(open) AND f.left_on <= \(bind: start.adding(days: -180).description))"
            )
        }
        guard !any.isEmpty else { return [] }
        var either = any[0]
        for a in any.dropFirst() { either = "\(either) OR \(a)" }
        let rows = try await db.sql().raw(
            """
            SELECT m.id, m.name, m.organization_id, o.code, o.short_name, m.birth_date, m.joined_on,
                   (SELECT COUNT(*) FROM hardship_records h WHERE h.member_id = m.id AND h.status = 'active') AS hardship,
                   (SELECT MIN(f.left_on) FROM flows f WHERE f.member_id = m.id AND f.status IN \(open)) AS away_since,
                   v.visited_on, v.way, v.visitor, v.gifts
            FROM members m JOIN organizations o ON o.id = m.organization_id
            LEFT JOIN care_visits v ON v.member_id = m.id AND v.campaign_id = \(bind: c.id!)
            WHERE \(PathPrefix("o.path", path)) AND (\(either))
            ORDER BY o.code, m.name, m.id LIMIT 20000
            """
        ).all(decoding: Row.self)
        return rows.compactMap { r in
            // The SQL narrowed the list; the reasons are decided here, exactly (ages to the day).
            let reasons = k.reasons(
                start: start, birth: CalendarDate(r.birth_date), joined: CalendarDate(r.joined_on),
                inHardship: (r.hardship ?? 0) > 0, awaySince: r.away_since.flatMap { CalendarDate($0) })
            guard !reasons.isEmpty else { return nil }
            return Target(
                memberID: r.id.uuidString, name: r.name, orgID: r.organization_id, orgCode: r.code,
                branch: r.short_name, reasons: reasons.joined(separator: "、"), visited: r.visited_on != nil,
                visit: r.visited_on.map {
                    "\($0) \(CareVisit.label(r.way ?? ""))（\(r.visitor ?? "")）：\(r.gifts ?? "")"
                })
        }
    }

    struct OrgProgress: Content {
        var orgCode: String
        var name: String?
        var targets: Int
        var visited: Int
    }

    struct Progress: Content {
        var targets: Int
        var visited: Int
        var byOrg: [OrgProgress]
    }

    /// Targets and visits per child organization of `org` (per branch when `org` is a branch or has none).
    static func progress(_ c: CareCampaign, org: Organization, on db: Database) async throws -> Progress {
        let all = try await targets(c, under: org.path, on: db)
        let children = try await Organization.query(on: db).filter(\.$parentID == org.id).sort(\.$code).all()
        var rows: [OrgProgress] = []
        if children.isEmpty {
            rows = [
                OrgProgress(
                    orgCode: org.code, name: org.shortName, targets: all.count, visited: all.filter(\.visited).count)
            ]
        } else {
            var byBranch: [Int: (Int, Int)] = [:]
            for t in all { byBranch[t.orgID, default: (0, 0)].0 += 1 }
            for t in all where t.visited { byBranch[t.orgID, default: (0, 0)].1 += 1 }
            var paths: [Int: String] = [:]
            for b in try await Organization.query(on: db).filter(\.$id ~~ Array(byBranch.keys)).all() {
                paths[b.id!] = b.path
            }
            for child in children {
                var n = 0
                var v = 0
                for (id, (t, seen)) in byBranch where (paths[id] ?? "").hasPrefix(child.path) {
                    n += t
                    v += seen
                }
                if n > 0 {
                    rows.append(OrgProgress(orgCode: child.code, name: child.shortName, targets: n, visited: v))
                }
            }
        }
        return Progress(targets: all.count, visited: all.filter(\.visited).count, byOrg: rows)
    }

    struct VisitForm: Content {
        var member: String?
        var visitedOn: String?
        var way: String?
        var visitor: String?
        var gifts: String?
        var situation: String?
    }

    /// Records a visit or call to a target of the campaign (once per member; within the campaign, not in the future).
    static func visit(
        _ f: VisitForm, campaign c: CareCampaign, target: Member, by user: CurrentUser, today: CalendarDate,
        on db: Database
    ) async throws -> CareVisit {
        var errors: [FieldError] = []
        let day = f.visitedOn.flatMap { CalendarDate($0) }
        if let d = day, let s = CalendarDate(c.startsOn), let e = CalendarDate(c.endsOn) {
            if d < s.adding(days: -30) || d > e || d > today {
                errors.append(FieldError("visitedOn", "慰问日期应在活动期间（可提前30天），且不晚于今天"))
            }
        } else {
            errors.append(FieldError("visitedOn", "请填写慰问日期"))
        }
        let way = CareVisit.ways.map(\.0).contains(f.way ?? "") ? f.way : nil
        if way == nil { errors.append(FieldError("way", "请选择慰问方式")) }
        let visitor = Normalize.text(f.visitor)
        if visitor == nil || (visitor?.count ?? 0) > 60 { errors.append(FieldError("visitor", "请写明慰问人")) }
        let gifts = Normalize.text(f.gifts) ?? "无"
        if gifts.count > 200 { errors.append(FieldError("gifts", "慰问品不能超过200字")) }
        let situation = Normalize.text(f.situation)
        if (situation?.count ?? 0) < 2 || (situation?.count ?? 0) > 1_000 {
            errors.append(FieldError("situation", "请写明党员近况（2至1000字）"))
        }
        guard errors.isEmpty, let day, let way, let visitor, let situation else { throw AppError.invalid(errors) }
        if try await CareVisit.query(on: db).filter(\.$campaignID == c.id!).filter(\.$memberID == target.id!).first()
            != nil
        {
            throw AppError.conflict("\(target.name)本次活动已经慰问过")
        }
        let v = CareVisit()
        v.id = UUID()
        v.campaignID = c.id!
        v.memberID = target.id!
        v.orgID = target.organizationID
        v.visitedOn = day.description
        v.way = way
        v.visitor = visitor
        v.gifts = gifts
        v.situation = situation
        v.recordedBy = user.username
        try await v.create(on: db)
        return v
    }
}
