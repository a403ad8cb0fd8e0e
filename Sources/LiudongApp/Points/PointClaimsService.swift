import Crypto
import Fluent
import Foundation
import LiudongCore
import SQLKit
import Vapor

/// Claims (申报) and appeals (申诉) by members, decided by their branch secretary (or anyone above in the tree).
enum PointClaimsService {
    static let maxPhotoBytes = 5 * 1024 * 1024

    struct ClaimInput: Decodable {
        var itemCode: String?
        var on: String?
        var description: String?
        /// The photo as base64 (API) — the form posts a file instead.
        var photo: String?
    }

    /// The description folded for comparison: without spaces and punctuation, half-width, lower case.
    static func textKey(_ s: String) -> String {
        let folded = Normalize.halfWidth(s).lowercased().unicodeScalars
            .filter {
                !CharacterSet.whitespacesAndNewlines.contains($0) && !CharacterSet.punctuationCharacters.contains($0)
                    && !CharacterSet.symbols.contains($0)
            }
        return SHA256.hash(data: Data(String(String.UnicodeScalarView(folded)).utf8)).hex
    }

    /// The member's county when it is in the pilot.
    static func pilotCounty(of member: Member, on db: Database) async throws -> Organization? {
        guard let branch = try await Organization.find(member.organizationID, on: db),
            let county = try await OrgTree.county(of: branch, on: db),
            try await PointCounty.find(county.id!, on: db)?.enabled == true
        else { return nil }
        return county
    }

    /// Items a member may claim on `day` (claim items of the version in effect).
    static func claimItems(county: Organization, on day: CalendarDate, db: Database) async throws -> [PointItem] {
        let versions = try await PointLedger.versions(county: county.id!, year: day.year, on: db).compactMap(\.rules)
        return PointEngine.version(on: day, in: versions)?.items.filter { $0.source == .claim } ?? []
    }

    static func submit(
        _ input: ClaimInput, photo: [UInt8]?, member: Member, today: CalendarDate, app: Application, on db: Database
    ) async throws -> PointClaim {
        guard let county = try await pilotCounty(of: member, on: db) else {
            throw AppError.conflict("您所在的旗县区尚未实行积分制管理")
        }
        var errors: [FieldError] = []
        let day = Normalize.text(input.on).flatMap { CalendarDate($0) }
        let settings = try await PointCounty.find(county.id!, on: db)
        if let day {
            if day > today || day < today.adding(days: -90) {
                errors.append(FieldError("on", "日期应为今天或90天以内"))
            } else if let closed = settings?.closed, day <= closed {
                errors.append(FieldError("on", "\(closed)及以前的积分已结算，不能再申报"))
            }
        } else {
            errors.append(FieldError("on", "请填写事情发生的日期（YYYY-MM-DD）"))
        }
        let code = Normalize.text(input.itemCode)?.uppercased() ?? ""
        let inWindow = day.map { $0 <= today && $0 >= today.adding(days: -90) } ?? false
        let items = try await claimItems(county: county, on: inWindow ? day ?? today : today, db: db)
        if !items.contains(where: { $0.code.uppercased() == code }) {
            errors.append(
                FieldError(
                    "itemCode",
                    "请选择可申报的项目"
                        + (items.isEmpty ? "" : "（\(items.map { "\($0.code) \($0.name)" }.joined(separator: "、"))）")))
        }
        let text = Normalize.text(input.description) ?? ""
        if text.count < 10 || text.count > 1000 { errors.append(FieldError("description", "请用10–1000字说明做了什么")) }
        var kind: ScanKind?
        if let photo {
            if photo.count > maxPhotoBytes {
                errors.append(FieldError("photo", "照片超过5MB，请压缩后再上传"))
            } else if let k = ScanKind.sniff(photo), k != .pdf {
                kind = k
            } else {
                errors.append(FieldError("photo", "照片应为 JPG 或 PNG 图片"))
            }
        }
        guard errors.isEmpty, let day else { throw AppError.invalid(errors) }
        let key = textKey(text)
        if try await PointClaim.query(on: db).filter(\.$memberID == member.id!).filter(\.$textKey == key).first() != nil
        {
            throw AppError.conflict("您已申报过内容相同的事项，同一件事不能重复申报")
        }
        let sha = photo.map { SHA256.hash(data: Data($0)).hex }
        if let sha,
            try await PointClaim.query(on: db).filter(\.$memberID == member.id!).filter(\.$photoSHA256 == sha).first()
                != nil
        {
            throw AppError.conflict("这张照片已用于您的另一项申报，同一件事不能重复申报")
        }
        let c = PointClaim()
        c.id = UUID()
        c.memberID = member.id!
        c.itemCode = code
        c.onDay = day.description
        c.description = text
        c.textKey = key
        c.status = .pending
        guard let photo, let kind, let sha else {
            try await c.create(on: db)
            return c
        }
        // The member's photo quota, checked before a byte is written; the file goes if the row cannot be saved.
        let owner = UploadLedger.owner(member: member.id!)
        let now = AppClock.now
        if let refusal = try await UploadLedger.refusal(
            owner: owner, kind: .memberPhoto, bytes: photo.count, settings: app.settings, now: now, on: db)
        {
            throw AppError.invalid([FieldError("photo", refusal)])
        }
        c.photoSHA256 = sha
        c.photoType = kind.rawValue
        let claim = c
        try await UploadLedger.keep(Data(photo), app, "points", name: "\(c.id!.uuidString).\(kind.fileExtension)") {
            try await db.transaction { tx in
                try await claim.create(on: tx)
                try await UploadLedger.record(owner: owner, kind: .memberPhoto, bytes: photo.count, now: now, on: tx)
            }
        }
        return c
    }

    /// The claim, when the account's scope covers the member's branch (404 otherwise).
    static func claim(_ id: UUID?, for user: CurrentUser, on db: Database) async throws -> (PointClaim, Member) {
        guard let id, let c = try await PointClaim.find(id, on: db), let m = try await Member.find(c.memberID, on: db),
            let branch = try await Organization.find(m.organizationID, on: db), user.covers(branch), !user.isInflowSide
        else { throw AppError.notFound }
        return (c, m)
    }

    static func decide(
        _ c: PointClaim, member: Member, approve: Bool, reason: String?, by user: CurrentUser, on db: Database
    )
        async throws
    {
        guard c.status == .pending else { throw AppError.conflict("这项申报已经处理过") }
        let reason = Normalize.text(reason).map { String($0.prefix(500)) }
        if !approve, reason == nil { throw AppError.invalid([FieldError("reason", "不通过时请写明理由")]) }
        c.status = approve ? .approved : .rejected
        c.decisionReason = reason
        c.decidedBy = user.username
        c.decidedAt = AppClock.now
        try await c.update(on: db)
        if approve, let day = CalendarDate(c.onDay) {
            try await PointLedger.recompute(member: member, year: day.year, on: db)
        }
    }

    // MARK: Appeals

    struct AppealInput: Decodable {
        var entryId: String?
        var reason: String?
    }

    static func appeal(_ input: AppealInput, member: UUID, on db: Database) async throws -> PointAppeal {
        let sql = try db.sql()
        guard let id = input.entryId.flatMap({ UUID(uuidString: $0.trimmingCharacters(in: .whitespaces)) }),
            let row = try await sql.raw(
                "SELECT county_id, on_day, status FROM point_entries WHERE id = \(bind: id) AND member_id = \(bind: member)"
            ).first()
        else { throw AppError.invalid([FieldError("entryId", "找不到这条积分记录")]) }
        let reason = Normalize.text(input.reason) ?? ""
        guard (5...500).contains(reason.count) else {
            throw AppError.invalid([FieldError("reason", "请用5–500字写明申诉理由")])
        }
        let county = try row.decode(column: "county_id", as: Int.self)
        let day = try row.decode(column: "on_day", as: String.self)
        if let closed = try await PointCounty.find(county, on: db)?.closedThrough, day <= closed {
            throw AppError.conflict("这条记录所在期间已结算（\(closed)及以前），不能再申诉")
        }
        if try row.decode(column: "status", as: String.self) == EntryStatus.revoked.rawValue {
            throw AppError.conflict("这条记录已撤销")
        }
        if try await PointAppeal.query(on: db).filter(\.$entryID == id).filter(\.$status == .pending).first() != nil {
            throw AppError.conflict("这条记录的申诉正在处理中")
        }
        let a = PointAppeal()
        a.id = UUID()
        a.entryID = id
        a.memberID = member
        a.reason = reason
        a.status = .pending
        try await a.create(on: db)
        try await sql.raw("UPDATE point_entries SET status = 'appealed', signature = NULL WHERE id = \(bind: id)").run()
        return a
    }

    static func appeal(_ id: UUID?, for user: CurrentUser, on db: Database) async throws -> (PointAppeal, Member) {
        guard let id, let a = try await PointAppeal.find(id, on: db), let m = try await Member.find(a.memberID, on: db),
            let branch = try await Organization.find(m.organizationID, on: db), user.covers(branch), !user.isInflowSide
        else { throw AppError.notFound }
        return (a, m)
    }

    static func decide(
        _ a: PointAppeal, member: Member, uphold: Bool, outcome: String?, by user: CurrentUser, on db: Database
    )
        async throws
    {
        guard a.status == .pending else { throw AppError.conflict("这项申诉已经处理过") }
        guard let outcome = Normalize.text(outcome).map({ String($0.prefix(500)) }) else {
            throw AppError.invalid([FieldError("outcome", "请写明处理意见，党员本人会看到")])
        }
        let sql = try db.sql()
        let day = try await sql.raw("SELECT on_day FROM point_entries WHERE id = \(bind: a.entryID)").first()?
            .decode(column: "on_day", as: String.self)
        a.status = uphold ? .upheld : .rejected
        a.outcome = outcome
        a.decidedBy = user.username
        a.decidedAt = AppClock.now
        try await a.update(on: db)
        if let day = day.flatMap({ CalendarDate($0) }) {
            try await PointLedger.recompute(member: member, year: day.year, on: db)
        }
    }
}
