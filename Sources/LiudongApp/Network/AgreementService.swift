import Fluent
import LiudongCore
import SQLKit
import Vapor

/// Co-management agreements: who may sign with whom, the dates, the members covered, confirmation by the other
/// side, termination and renewal. Every change is the caller's to audit.
enum AgreementService {
    struct Input: Content, Sendable {
        var outflowOrgCode: String?
        var inflowOrgCode: String?
        var number: String?
        var signedOn: String?
        var validFrom: String?
        var validTo: String?
        var covers: String?
        var memberIds: [String]?
        var duties: String?
        var outflowContact: String?
        var inflowContact: String?
    }

    static let maxListed = 2000
    static let maxYears = 10

    /// Validates every field (422 per field) and saves the agreement; `previous`: the agreement this one renews.
    static func create(
        _ input: Input, previous: Agreement? = nil, by user: CurrentUser, on db: Database,
        today: CalendarDate = AppClock.today
    ) async throws -> Agreement {
        guard user.can(.manageAgreements) else { throw AppError.forbidden }
        var errors: [FieldError] = []
        let outflow = try await org(input.outflowOrgCode, on: db)
        let inflow = try await org(input.inflowOrgCode, on: db)
        switch outflow {
        case nil:
            errors.append(
                FieldError("outflowOrgCode", Normalize.text(input.outflowOrgCode) == nil ? "请选择本方党组织" : "本方党组织不存在"))
        case let o?:
            if !user.covers(o) || user.scopeKind != .regular {
                errors.append(FieldError("outflowOrgCode", "本方党组织不在您的管理范围内"))
            } else if o.kind != .regular || ![.county, .committee, .generalBranch, .branch].contains(o.level) {
                errors.append(FieldError("outflowOrgCode", "共管协议的流出地一方应为旗县区、基层党委、党总支或党支部"))
            } else if o.isClosed {
                errors.append(FieldError("outflowOrgCode", "本方党组织已撤销"))
            }
        }
        switch inflow {
        case nil:
            errors.append(
                FieldError("inflowOrgCode", Normalize.text(input.inflowOrgCode) == nil ? "请选择流入地党组织" : "流入地党组织不存在"))
        case let i?:
            if i.kind == .regular {
                errors.append(FieldError("inflowOrgCode", "对方应为流入地党组织或流动党员党组织"))
            } else if i.isClosed {
                errors.append(FieldError("inflowOrgCode", "对方党组织已撤销"))
            } else if i.id == outflow?.id {
                errors.append(FieldError("inflowOrgCode", "协议双方不能是同一个党组织"))
            }
        }
        let number = Normalize.text(input.number)
        if number == nil || (number?.count ?? 0) > 60 {
            errors.append(FieldError("number", "请填写协议编号（60字以内）"))
        } else if try await Agreement.query(on: db).filter(\.$number == number!).count() > 0 {
            errors.append(FieldError("number", "协议编号“\(number!)”已被使用"))
        }
        var signed: CalendarDate?
        if let s = Normalize.text(input.signedOn) {
            signed = CalendarDate(s)
            if signed == nil {
                errors.append(FieldError("signedOn", "签订日期格式应为 2026-01-31"))
            } else if signed! > today {
                errors.append(FieldError("signedOn", "签订日期不能晚于今天"))
            }
        }
        let from = Normalize.text(input.validFrom).flatMap({ CalendarDate($0) })
        let to = Normalize.text(input.validTo).flatMap({ CalendarDate($0) })
        if from == nil { errors.append(FieldError("validFrom", "请填写生效日期，格式如 2026-01-31")) }
        if to == nil { errors.append(FieldError("validTo", "请填写截止日期，格式如 2026-12-31")) }
        if let from, let to {
            if to <= from {
                errors.append(FieldError("validTo", "截止日期应晚于生效日期"))
            } else if to > from.adding(days: 366 * maxYears) {
                errors.append(FieldError("validTo", "协议有效期不能超过\(maxYears)年"))
            }
            if let signed, signed > to { errors.append(FieldError("signedOn", "签订日期不能晚于截止日期")) }
        }
        let covers = Normalize.text(input.covers).flatMap(AgreementCoverage.init(rawValue:))
        if covers == nil { errors.append(FieldError("covers", "covers 应为 all（全部报到党员）或 list（名单）")) }
        var listed: [UUID] = []
        if covers == .list {
            let raw = input.memberIds ?? []
            if raw.isEmpty {
                errors.append(FieldError("memberIds", "请列出协议覆盖的党员"))
            } else if raw.count > maxListed {
                errors.append(FieldError("memberIds", "名单一次最多\(maxListed)人"))
            } else if let outflow, errors.allSatisfy({ $0.field != "outflowOrgCode" }) {
                let ids = Set(raw.compactMap { UUID(uuidString: $0) })
                let found =
                    ids.isEmpty
                    ? []
                    : try await user.visibleMembers(Member.query(on: db), within: outflow.path)
                        .filter(\.$id ~~ Array(ids)).all().compactMap(\.id)
                if ids.count != raw.count || found.count != ids.count {
                    errors.append(FieldError("memberIds", "名单中有\(raw.count - found.count)人不存在或不属于本方党组织"))
                }
                listed = found
            }
        }
        let duties = Normalize.text(input.duties) ?? AgreementText.defaultDuties
        if duties.count > 5000 { errors.append(FieldError("duties", "双方职责不超过5000字")) }
        for (field, value) in [("outflowContact", input.outflowContact), ("inflowContact", input.inflowContact)] {
            if (Normalize.text(value)?.count ?? 0) > 120 { errors.append(FieldError(field, "联系人及电话不超过120字")) }
        }
        guard errors.isEmpty, let outflow, let inflow, let number, let from, let to, let covers else {
            throw AppError.invalid(errors)
        }
        let a = Agreement()
        a.number = number
        a.outflowOrgID = outflow.id!
        a.inflowOrgID = inflow.id!
        a.signedOn = signed?.description
        a.validFrom = from.description
        a.validTo = to.description
        a.covers = covers
        a.duties = duties
        a.outflowContact = Normalize.text(input.outflowContact)
        a.inflowContact = Normalize.text(input.inflowContact)
        a.previousID = previous?.id
        a.createdBy = user.username
        let listedIDs = listed
        try await db.transaction { tx in
            try await a.create(on: tx)
            if !listedIDs.isEmpty {
                let sql = try tx.sql()
                for chunk in stride(from: 0, to: listedIDs.count, by: 400) {
                    var insert = sql.insert(into: "agreement_members").columns("agreement_id", "member_id")
                    for m in listedIDs[chunk..<min(chunk + 400, listedIDs.count)] {
                        insert = insert.values(SQLBind(a.id!), SQLBind(m))
                    }
                    try await insert.run()
                }
            }
        }
        return a
    }

    private static func org(_ code: String?, on db: Database) async throws -> Organization? {
        guard let c = Normalize.text(code), c.count <= 32 else { return nil }
        return try await Organization.query(on: db).filter(\.$code == c).first()
    }

    /// Whether the account sees the agreement: its scope covers either side, or the agreement was signed by an
    /// organization above it (and so covers its members).
    static func visible(_ a: Agreement, to user: CurrentUser, on db: Database) async throws -> Bool {
        for id in [a.outflowOrgID, a.inflowOrgID] {
            guard let o = try await Organization.find(id, on: db) else { continue }
            // An agreement of an organization above the account's covers the account's members too.
            if user.covers(o) || (id == a.outflowOrgID && user.scopePath.hasPrefix(o.path)) { return true }
        }
        return false
    }

    static func find(_ id: UUID?, for user: CurrentUser, on db: Database) async throws -> Agreement {
        guard let id, let a = try await Agreement.find(id, on: db), try await visible(a, to: user, on: db) else {
            throw AppError.notFound
        }
        return a
    }

    /// The side the account stands on, if any: the other side (the inflow or mobile organization's account)
    /// confirms; our tree's accounts manage.
    static func isOtherSide(_ a: Agreement, _ user: CurrentUser) -> Bool { user.scopeID == a.inflowOrgID }

    static func confirm(_ a: Agreement, by user: CurrentUser, on db: Database) async throws {
        guard isOtherSide(a, user) else { throw AppError.forbidden }
        guard a.confirmedAt == nil else { throw AppError.conflict("该协议已确认") }
        a.confirmedAt = AppClock.now
        a.confirmedBy = user.username
        try await a.update(on: db)
    }

    static func terminate(
        _ a: Agreement, reason: String?, by user: CurrentUser, on db: Database, today: CalendarDate = AppClock.today
    )
        async throws
    {
        try await requireManager(a, user, on: db)
        guard a.terminatedOn == nil else { throw AppError.conflict("该协议已终止") }
        guard let reason = Normalize.text(reason), reason.count <= 500 else {
            throw AppError.invalid([FieldError("reason", "请填写终止原因（500字以内）")])
        }
        a.terminatedOn = today.description
        a.terminatedReason = reason
        try await a.update(on: db)
    }

    static func requireManager(_ a: Agreement, _ user: CurrentUser, on db: Database) async throws {
        guard user.can(.manageAgreements), user.scopeKind == .regular,
            let o = try await Organization.find(a.outflowOrgID, on: db), user.covers(o)
        else { throw AppError.forbidden }
    }

    /// Members listed on a `list` agreement.
    static func listed(_ a: Agreement, on db: Database) async throws -> [UUID] {
        struct Row: Decodable { var member_id: UUID }
        return try await db.sql().raw(
            "SELECT member_id FROM agreement_members WHERE agreement_id = \(bind: a.id!)"
        ).all(decoding: Row.self).map(\.member_id)
    }

    /// The renewal chain, oldest first, that `a` belongs to (following `previous_id` back and renewals forward).
    static func chain(_ a: Agreement, on db: Database) async throws -> [Agreement] {
        var back: [Agreement] = []
        var cursor = a.previousID
        var seen: Set<UUID> = [a.id!]
        while let id = cursor, !seen.contains(id), let p = try await Agreement.find(id, on: db) {
            back.insert(p, at: 0)
            seen.insert(id)
            cursor = p.previousID
        }
        var forward: [Agreement] = []
        var last = a.id!
        while let next = try await Agreement.query(on: db).filter(\.$previousID == last).first(),
            !seen.contains(next.id!)
        {
            forward.append(next)
            seen.insert(next.id!)
            last = next.id!
        }
        return back + [a] + forward
    }
}
