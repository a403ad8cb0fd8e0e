import Fluent
import LiudongCore
import SQLKit
import Vapor

/// Pairing cadres with mobile members: who may pair whom, the per-cadre cap, and the automatic end.
enum PairingService {
    struct CadreInput: Content, Sendable {
        var name: String?
        var post: String?
        var phone: String?
        var orgCode: String?
        var account: String?
    }

    struct Input: Content, Sendable {
        var memberId: String?
        var side: String?
        var cadre: CadreInput?
    }

    static let posts = ["党委书记", "党委副书记", "党委委员", "支部书记", "支部副书记", "支部委员", "班子成员", "党员骨干"]

    /// Validates every field (422 per field) and creates the pairing.
    static func create(
        _ input: Input, by user: CurrentUser, cap: Int, cipher: FieldCipher, on db: Database,
        today: CalendarDate = AppClock.today
    ) async throws -> Pairing {
        var errors: [FieldError] = []
        let c = input.cadre ?? CadreInput()
        let side = input.side.flatMap(PairingSide.init(rawValue:))
        if side == nil { errors.append(FieldError("side", "side 应为 outflow（流出地）或 inflow（流入地）")) }
        let name = Normalize.text(c.name)
        if name == nil || (name?.count ?? 0) > 40 { errors.append(FieldError("cadre.name", "请填写结对人姓名（40字以内）")) }
        let post = Normalize.text(c.post)
        if post == nil || (post?.count ?? 0) > 40 { errors.append(FieldError("cadre.post", "请填写结对人职务，如支部书记、班子成员")) }
        var phone: String?
        switch Phone.parse(c.phone ?? "") {
        case .success(let p): phone = p
        case .failure(let p): errors.append(FieldError("cadre.phone", p == .empty ? "请填写结对人电话" : p.message))
        }
        let member =
            try await input.memberId.flatMap(UUID.init(uuidString:)).asyncMap {
                try await user.visibleMembers(Member.query(on: db)).filter(\.$id == $0).first()
            } ?? nil
        var flow: Flow?
        if let member {
            flow = try await Flow.query(on: db).filter(\.$memberID == member.id!).filter(
                \.$status ~~ [.away, .arrived, .lost]
            )
            .first()
            if flow == nil { errors.append(FieldError("memberId", "该党员没有进行中的流动，无需结对")) }
        } else {
            errors.append(FieldError("memberId", "该党员不存在或不在您的管理范围内"))
        }
        let org =
            try await Normalize.text(c.orgCode).asyncMap {
                try await Organization.query(on: db).filter(\.$code == $0).first()
            } ?? nil
        if let org, let member, let side, let flow {
            if !user.covers(org) {
                errors.append(FieldError("cadre.orgCode", "该党组织不在您的管理范围内"))
            } else if side == .outflow {
                let home = try await Organization.find(member.organizationID, on: db)
                if !(home?.path.hasPrefix(org.path) ?? false) || org.kind != .regular {
                    errors.append(FieldError("cadre.orgCode", "流出地结对人应来自党员所在党支部或其上级党组织"))
                }
            } else if flow.inflowOrgID == nil {
                errors.append(FieldError("side", "该党员尚未到流入地党组织报到，暂不能安排流入地结对人"))
            } else if flow.inflowOrgID != org.id {
                errors.append(FieldError("cadre.orgCode", "流入地结对人应来自党员报到的流入地党组织"))
            }
        } else if org == nil {
            errors.append(FieldError("cadre.orgCode", "请填写结对人所在党组织代码"))
        }
        var accountID: UUID?
        if let username = Normalize.text(c.account)?.lowercased() {
            let account = try await Account.query(on: db).filter(\.$username == username).first()
            if let account, let org, account.organizationID == org.id {
                accountID = account.id
            } else {
                errors.append(FieldError("cadre.account", "没有该账号，或该账号不属于结对人所在党组织"))
            }
        }
        if let phone, errors.isEmpty {
            let load = try await Pairing.query(on: db).filter(\.$cadrePhoneHash == cipher.hash(phone))
                .filter(\.$endedOn == nil).count()
            if load >= cap {
                errors.append(FieldError("cadre.phone", "该结对人已结对\(load)名党员，达到每人\(cap)名的上限"))
            }
        }
        if let member, let side, errors.isEmpty,
            let existing = try await Pairing.query(on: db).filter(\.$memberID == member.id!).filter(\.$side == side)
                .filter(\.$endedOn == nil).first()
        {
            errors.append(FieldError("side", "该党员已有\(side.label)结对人（\(existing.cadreName)），请先解除"))
        }
        guard errors.isEmpty, let member, let side, let org, let phone, let name, let post else {
            throw AppError.invalid(errors)
        }
        let p = Pairing()
        p.memberID = member.id!
        p.flowID = flow?.id
        p.side = side
        p.cadreName = name
        p.cadrePost = post
        p.cadrePhoneEnc = try cipher.seal(phone)
        p.cadrePhoneHash = cipher.hash(phone)
        p.cadrePhoneMasked = Masking.phone(phone)
        p.cadreOrgID = org.id!
        p.cadreAccountID = accountID
        p.startedOn = today.description
        p.createdBy = user.username
        try await db.transaction { tx in
            try await p.create(on: tx)
            try await MemberEvent.record(
                member.id!, kind: .contact, summary: "安排\(side.label)结对人：\(name)（\(post)，\(org.shortName)）",
                by: user.username, on: tx)
        }
        return p
    }

    /// A pairing the account may see: the member is visible to it, or the cadre's organization is in its scope.
    static func find(_ id: UUID?, for user: CurrentUser, on db: Database) async throws -> Pairing {
        guard let id, let p = try await Pairing.find(id, on: db),
            try await user.visibleMembers(Member.query(on: db)).filter(\.$id == p.memberID).count() > 0
        else { throw AppError.notFound }
        return p
    }

    /// Ends a pairing by hand, with the reason.
    static func end(
        _ p: Pairing, reason: String?, by user: CurrentUser, on db: Database, today: CalendarDate = AppClock.today
    )
        async throws
    {
        guard let reason = Normalize.text(reason), reason.count <= 200 else {
            throw AppError.invalid([FieldError("reason", "请填写解除结对的原因（200字以内）")])
        }
        guard p.endedOn == nil else { throw AppError.conflict("该结对已于\(p.endedOn ?? "")解除") }
        // The inflow side ends its own side's pairings only.
        if user.isInflowSide, p.side != .inflow { throw AppError.forbidden }
        try await db.transaction { tx in
            p.endedOn = today.description
            p.endReason = reason
            try await p.update(on: tx)
            try await MemberEvent.record(
                p.memberID, kind: .contact, summary: "解除\(p.side.label)结对（\(p.cadreName)）：\(reason)", by: user.username,
                on: tx)
        }
    }

    /// Ends every open pairing of a member, with the reason (the flow closed, the member moved branch).
    static func endAll(
        of memberID: UUID, side: PairingSide? = nil, reason: String, on db: Database,
        today: CalendarDate = AppClock.today
    )
        async throws
    {
        var query = Pairing.query(on: db).filter(\.$memberID == memberID).filter(\.$endedOn == nil)
        if let side { query = query.filter(\.$side == side) }
        for p in try await query.all() { try await endAutomatically(p, reason: reason, on: db, today: today) }
    }

    static func endAutomatically(_ p: Pairing, reason: String, on db: Database, today: CalendarDate) async throws {
        p.endedOn = today.description
        p.endReason = reason
        try await p.update(on: db)
        try await MemberEvent.record(
            p.memberID, kind: .contact, summary: "\(p.side.label)结对（\(p.cadreName)）自动解除：\(reason)", by: nil, on: db)
    }

    /// The daily safety net: pairings whose flow is no longer open, or whose member moved to another branch than the
    /// one the outflow cadre serves, end with the reason.
    static func endStale(on db: Database, today: CalendarDate) async throws -> Int {
        let sql = try db.sql()
        let open = FlowState.allCases.filter(\.isOpen).map { SQLBind($0.rawValue) as any SQLExpression }
        let rows = try await sql.raw(
            """
            SELECT p.id, p.member_id,
                   CASE WHEN NOT EXISTS (SELECT 1 FROM flows f WHERE f.member_id = p.member_id AND f.status IN \(SQLGroupExpression(open)))
                        THEN 'flow' ELSE 'branch' END AS why
            FROM pairings p JOIN members m ON m.id = p.member_id JOIN organizations home ON home.id = m.organization_id
            JOIN organizations c ON c.id = p.cadre_org_id
            WHERE p.ended_on IS NULL AND (
              NOT EXISTS (SELECT 1 FROM flows f WHERE f.member_id = p.member_id AND f.status IN \(SQLGroupExpression(open)))
              OR (p.side = 'outflow' AND substr(home.path, 1, length(c.path)) <> c.path))
            """
        ).all(decoding: StaleRow.self)
        for row in rows {
            guard let p = try await Pairing.find(row.id, on: db) else { continue }
            try await endAutomatically(
                p, reason: row.why == "flow" ? "流动已结束" : "党员组织关系已转至其他党支部", on: db, today: today)
        }
        return rows.count
    }

    /// Open pairings of a member (both sides), outflow side first.
    static func active(of memberID: UUID, on db: Database) async throws -> [Pairing] {
        try await Pairing.query(on: db).filter(\.$memberID == memberID).filter(\.$endedOn == nil).sort(
            \.$side, .descending
        )
        .all()
    }
}

private struct StaleRow: Decodable {
    var id: UUID
    var member_id: UUID
    var why: String
}

/// What other features read of pairings (the member's page, the ledger's 结对联系人 column).
enum PairingStore {
    static func active(of memberID: UUID, on db: Database) async throws -> [Pairing] {
        try await PairingService.active(of: memberID, on: db)
    }
}
