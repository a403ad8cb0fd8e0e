import Fluent
import LiudongCore
import SQLKit
import Vapor

/// Mobile party organizations' founding records, the members taking part, dissolution of temporary ones, and the
/// rule that three or more full members of one county at one destination should form a (temporary) organization.
enum MobileOrgService {
    /// The figure the city reported (the seed: "全市共成立流动党员党组织81个").
    static let cityReportedCount = 81
    static let suggestionThreshold = 3

    struct RecordInput: Content, Sendable {
        var approvedBy: String?
        var documentNo: String?
        var approvedOn: String?
        var address: String?
        var contacts: String?
        var participants: String?
        var endsOn: String?
    }

    static func validate(_ f: RecordInput, basis: MobileBasis?, today: CalendarDate = AppClock.today) -> [FieldError] {
        var errors: [FieldError] = []
        func text(_ v: String?, _ field: String, _ message: String, max: Int) {
            let t = Normalize.text(v)
            if t == nil || t!.count > max { errors.append(FieldError(field, message)) }
        }
        text(f.approvedBy, "approvedBy", "请填写批准成立的党组织（100字以内）", max: 100)
        text(f.documentNo, "documentNo", "请填写批复文号（60字以内）", max: 60)
        text(f.address, "address", "请填写活动地址（200字以内）", max: 200)
        text(f.contacts, "contacts", "请填写书记及联系人、电话（200字以内）", max: 200)
        if let d = Normalize.text(f.approvedOn).flatMap({ CalendarDate($0) }) {
            if d > today { errors.append(FieldError("approvedOn", "批准日期不能晚于今天")) }
        } else {
            errors.append(FieldError("approvedOn", "请填写批准日期，格式如 2026-01-31"))
        }
        if basis == .joint, Normalize.text(f.participants) == nil {
            errors.append(FieldError("participants", "联合党组织请填写参加联建的单位或企业，每行一个"))
        }
        if (Normalize.text(f.participants)?.count ?? 0) > 2000 {
            errors.append(FieldError("participants", "联建单位不超过2000字"))
        }
        if basis == .temporary {
            if let e = Normalize.text(f.endsOn).flatMap({ CalendarDate($0) }) {
                if let a = Normalize.text(f.approvedOn).flatMap({ CalendarDate($0) }), e <= a {
                    errors.append(FieldError("endsOn", "临时党组织的终止日期应晚于批准日期"))
                }
            } else {
                errors.append(FieldError("endsOn", "临时党组织请填写预计终止日期，格式如 2027-06-30"))
            }
        }
        return errors
    }

    static func saveRecord(_ f: RecordInput, for org: Organization, by user: CurrentUser, on db: Database) async throws
        -> MobileOrgRecord
    {
        guard user.can(.editOrganizations), org.kind == .mobile else { throw AppError.forbidden }
        let errors = validate(f, basis: org.basis)
        guard errors.isEmpty else { throw AppError.invalid(errors) }
        let r = try await MobileOrgRecord.find(org.id, on: db) ?? MobileOrgRecord()
        r.id = org.id
        r.approvedBy = Normalize.text(f.approvedBy)!
        r.documentNo = Normalize.text(f.documentNo)!
        r.approvedOn = Normalize.text(f.approvedOn)!
        r.address = Normalize.text(f.address)!
        r.contacts = Normalize.text(f.contacts)!
        r.participants = Normalize.text(f.participants)
        r.endsOn = org.basis == .temporary ? Normalize.text(f.endsOn) : nil
        r.recordedBy = user.username
        try await r.save(on: db)
        return r
    }

    /// Members join (take part in) the organization: each must be a mobile member of its parent's subtree and in no
    /// other mobile organization. Returns how many joined and the names refused with the reason.
    static func join(
        _ memberIDs: [UUID], org: Organization, by user: CurrentUser, on db: Database,
        today: CalendarDate = AppClock.today
    ) async throws -> (joined: Int, refused: [String]) {
        guard user.can(.manageAgreements), org.kind == .mobile, !org.isClosed else { throw AppError.forbidden }
        guard let parentID = org.parentID, let parent = try await Organization.find(parentID, on: db) else {
            throw AppError.notFound
        }
        var joined = 0
        var refused: [String] = []
        for id in memberIDs.prefix(2000) {
            guard
                let m = try await user.visibleMembers(Member.query(on: db), within: parent.path).filter(\.$id == id)
                    .first()
            else {
                refused.append("\(id.uuidString.prefix(8))…：不在\(parent.shortName)之下或不在您的管理范围内")
                continue
            }
            guard let s = m.flowStatus.flatMap(FlowState.init(rawValue:)), s.isOpen else {
                refused.append("\(m.name)：没有进行中的流动")
                continue
            }
            if try await active(of: id, on: db, today: today) != nil {
                refused.append("\(m.name)：已参加其他流动党员党组织")
                continue
            }
            try await MobileOrgMembership(orgID: org.id!, memberID: id, joinedOn: today.description, by: user.username)
                .create(on: db)
            joined += 1
        }
        return (joined, refused)
    }

    static func active(of member: UUID, on db: Database, today: CalendarDate = AppClock.today) async throws
        -> MobileOrgMembership?
    {
        try await MobileOrgMembership.query(on: db).filter(\.$memberID == member).filter(\.$leftOn == nil).first()
    }

    static func leave(
        _ membership: MobileOrgMembership, reason: String, on db: Database, today: CalendarDate = AppClock.today
    )
        async throws
    {
        membership.leftOn = today.description
        membership.leftReason = reason
        try await membership.update(on: db)
    }

    /// Dissolves a temporary organization: every membership ends, the organization closes, the record keeps why.
    static func dissolve(
        _ org: Organization, reason: String?, by user: CurrentUser, on db: Database,
        today: CalendarDate = AppClock.today
    ) async throws {
        guard user.can(.editOrganizations), org.kind == .mobile else { throw AppError.forbidden }
        guard let reason = Normalize.text(reason), reason.count <= 500 else {
            throw AppError.invalid([FieldError("reason", "请填写撤销原因（500字以内）")])
        }
        guard !org.isClosed else { throw AppError.conflict("该组织已撤销") }
        try await db.transaction { tx in
            for m in try await MobileOrgMembership.query(on: tx).filter(\.$orgID == org.id!).filter(\.$leftOn == nil)
                .all()
            {
                try await leave(m, reason: "组织撤销", on: tx, today: today)
            }
            if let r = try await MobileOrgRecord.find(org.id, on: tx) {
                r.dissolvedOn = today.description
                r.dissolvedReason = reason
                try await r.update(on: tx)
            }
            org.closedAt = AppClock.now
            org.closedReason = reason
            try await org.update(on: tx)
            try await OrganizationEvent(
                organizationID: org.id!, kind: .closed, summary: "撤销流动党员党组织：\(reason)", by: user.username
            ).create(on: tx)
        }
    }

    // MARK: - Suggestions

    struct Suggestion: Content, Equatable {
        var countyCode: String
        var countyName: String
        var destinationCode: String
        var destinationName: String
        var members: Int
        var memberIds: [UUID]
    }

    /// Three or more uncovered full members of one county at one destination county, where no open mobile
    /// organization of that county (or of the city above it) sits: "建议成立临时党支部".
    static func suggestions(under org: Organization, on db: Database, today: CalendarDate = AppClock.today) async throws
        -> [Suggestion]
    {
        let sql = try db.sql()
        let day = today.description
        let open = SQLBind.group(LedgerService.openStates)
        struct Row: Decodable {
            var id: UUID
            var path: String
            var destination_code: String?
        }
        let rows = try await sql.raw(
            """
            SELECT m.id, o.path, f.destination_code
            FROM organizations o CROSS JOIN members m CROSS JOIN flows f LEFT JOIN organizations i ON i.id = f.inflow_org_id
            WHERE \(PathPrefix("o.path", org.path)) AND m.organization_id = o.id AND m.flow_status IN \(open)
              AND m.category = 'full' AND f.member_id = m.id AND f.status IN \(open)
              AND NOT \(Coverage.byMobileOrg(member: "m.id", inflow: "i", day: day))
              AND NOT \(Coverage.byAgreement(member: "m.id", inflowID: "f.inflow_org_id", branchPath: "o.path", day: day))
            ORDER BY m.id
            """
        ).all(decoding: Row.self)
        let counties = try await Organization.query(on: db).filter(\.$level == .county).filter(\.$kind == .regular)
            .all()
        let mobile = try await Organization.query(on: db).filter(\.$kind == .mobile).filter(\.$closedAt == nil).all()
        var groups: [String: [UUID]] = [:]
        var countyOf: [String: Organization] = [:]
        for r in rows {
            guard let dest = r.destination_code,
                let county = counties.first(where: { r.path.hasPrefix($0.path) })
            else { continue }
            let key = county.code + "|" + dest
            groups[key, default: []].append(r.id)
            countyOf[key] = county
        }
        var result: [Suggestion] = []
        for (key, ids) in groups where ids.count >= suggestionThreshold {
            guard let county = countyOf[key] else { continue }
            let dest = String(key.split(separator: "|").last ?? "")
            let served = mobile.contains { m in
                guard m.divisionCode == dest else { return false }
                let parentPath = m.pathIDs.dropLast().map(String.init).joined(separator: "/")
                return m.path.hasPrefix(county.path) || county.path.hasPrefix("/" + parentPath + "/")
            }
            guard !served else { continue }
            result.append(
                Suggestion(
                    countyCode: county.code, countyName: county.shortName, destinationCode: dest,
                    destinationName: Divisions.shared.fullName(dest), members: ids.count, memberIds: ids))
        }
        return result.sorted {
            ($0.members, $1.countyCode, $1.destinationCode) > ($1.members, $0.countyCode, $0.destinationCode)
        }
    }
}
