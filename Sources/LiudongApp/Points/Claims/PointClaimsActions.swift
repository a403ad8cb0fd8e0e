import Crypto
import Fluent
import Foundation
import LiudongCore
import Vapor

/// Claims (申报) and appeals (申诉) by members, decided by their branch secretary (or anyone above in the tree). Each
/// action checks with `PointClaimRules`, stores, recomputes the member's ledger when it changes, and writes the
/// audit line.
enum PointClaimsActions {
    struct ClaimInput: Decodable {
        var itemCode: String?
        var on: String?
        var description: String?
        /// The photo as base64 (API) — the form posts a file instead.
        var photo: String?
    }

    /// A member's claim, with an optional JPG or PNG photo (kept as a private file within the member's quota).
    static func submit(
        _ input: ClaimInput, photo: [UInt8]?, member: Member, app: Application, as a: Acting
    ) async throws -> PointClaim {
        guard let county = try await PointRulesStore.pilotCounty(of: member, on: a.db) else {
            throw AppError.conflict("您所在的旗县区尚未实行积分制管理")
        }
        let settings = try await PointRulesStore.settings(county.id!, on: a.db)
        let itemsDay = PointClaimRules.itemsDay(PointClaimRules.day(input.on), today: a.today)
        let items = try await PointRulesStore.claimItems(county: county, on: itemsDay, db: a.db)
        let draft = try PointClaimRules.claim(
            itemCode: input.itemCode, on: input.on, description: input.description, photo: photo, today: a.today,
            closed: settings?.closed, items: items
        ).orThrow()
        let memberID = try member.requireID()
        let sha = photo.map { Hex.encode(SHA256.hash(data: Data($0))) }
        let same = try await PointClaimsStore.duplicates(member: memberID, textKey: draft.textKey, photo: sha, on: a.db)
        if let no = PointClaimRules.duplicate(sameText: same.text, samePhoto: same.photo) { throw AppError(no) }
        let c = PointClaim()
        c.id = UUID()
        c.memberID = memberID
        c.itemCode = draft.itemCode
        c.onDay = draft.on.description
        c.description = draft.description
        c.textKey = draft.textKey
        c.status = .pending
        if let photo, let kind = draft.photo, let sha {
            // The member's photo quota, checked before a byte is written; the file goes if the row cannot be saved.
            let owner = UploadLedger.owner(member: memberID)
            let now = AppClock.now
            if let refusal = try await UploadLedger.refusal(
                owner: owner, kind: .memberPhoto, bytes: photo.count, settings: app.settings, now: now, on: a.db)
            {
                throw AppError.invalid([FieldError("photo", refusal)])
            }
            c.photoSHA256 = sha
            c.photoType = kind.rawValue
            let claim = c
            try await UploadLedger.keep(Data(photo), app) {
                try await a.db.transaction { tx in
                    try await claim.create(on: tx)
                    try await UploadLedger.record(
                        owner: owner, kind: .memberPhoto, bytes: photo.count, now: now, on: tx)
                }
            }
        } else {
            try await c.create(on: a.db)
        }
        try await a.audit(
            .create, "point-claim", ref: c.id!.uuidString,
            summary: "党员本人申报积分（\(c.itemCode)，\(c.onDay)）" + (c.photoSHA256 == nil ? "" : "，附照片"))
        return c
    }

    /// Approves or refuses a pending claim; an approved one is counted at once.
    static func decide(_ c: PointClaim, member: Member, approve: Bool, reason: String?, as a: Acting) async throws {
        let reason = try PointClaimRules.decide(c.status, approve: approve, reason: reason).orThrow()
        c.status = approve ? .approved : .rejected
        c.decisionReason = reason
        c.decidedBy = a.name
        c.decidedAt = AppClock.now
        try await c.update(on: a.db)
        if approve, let day = CalendarDate(c.onDay) {
            try await PointLedger.recompute(member: member, year: day.year, on: a.db)
        }
        try await a.audit(
            .update, "point-claim", ref: c.id!.uuidString,
            summary: "\(approve ? "通过" : "不通过")\(member.name)的积分申报（\(c.itemCode)，\(c.onDay)）"
                + (reason.map { "：\($0)" } ?? ""))
    }

    struct AppealInput: Decodable {
        var entryId: String?
        var reason: String?
    }

    /// A member's appeal of one of their own entries in an open period.
    static func appeal(_ input: AppealInput, member: UUID, as a: Acting) async throws -> PointAppeal {
        let id = input.entryId.flatMap { UUID(uuidString: $0.trimmingCharacters(in: .whitespaces)) }
        let entry = try await id.asyncMap { try await PointClaimsStore.appealedEntry($0, member: member, on: a.db) }
        let pending = try await id.asyncMap { try await PointClaimsStore.hasPendingAppeal(entry: $0, on: a.db) }
        let reason = try PointClaimRules.appeal(
            entry: entry ?? nil, reason: input.reason, pendingAppeal: pending ?? false
        ).orThrow()
        guard let id else { throw AppError.invalid([FieldError("entryId", "找不到这条积分记录")]) }
        let appeal = PointAppeal()
        appeal.id = UUID()
        appeal.entryID = id
        appeal.memberID = member
        appeal.reason = reason
        appeal.status = .pending
        try await PointClaimsStore.addAppeal(appeal, on: a.db)
        try await a.audit(.create, "point-appeal", ref: appeal.id!.uuidString, summary: "党员本人对积分记录提出申诉")
        return appeal
    }

    /// Upholds (the entry is revoked) or rejects a pending appeal, with the outcome the member reads.
    static func decide(_ appeal: PointAppeal, member: Member, uphold: Bool, outcome: String?, as a: Acting)
        async throws
    {
        let outcome = try PointClaimRules.decideAppeal(appeal.status, outcome: outcome).orThrow()
        let day = try await PointClaimsStore.entryDay(appeal.entryID, on: a.db)
        appeal.status = uphold ? .upheld : .rejected
        appeal.outcome = outcome
        appeal.decidedBy = a.name
        appeal.decidedAt = AppClock.now
        try await appeal.update(on: a.db)
        if let day { try await PointLedger.recompute(member: member, year: day.year, on: a.db) }
        // An objection to a posted (closed) year: the entry and the posted ranking are corrected directly.
        if let day, let county = try await PointRulesStore.pilotCounty(of: member, on: a.db),
            let closed = try await PointRulesStore.settings(county.id!, on: a.db)?.closedThrough,
            day.description <= closed
        {
            if uphold {
                try await PointRankingActions.revise(entry: appeal.entryID, as: a)
            } else {
                try await PointClaimsStore.restore(entry: appeal.entryID, on: a.db)
            }
        }
        try await a.audit(
            .update, "point-appeal", ref: appeal.id!.uuidString,
            summary: "\(member.name)的积分申诉\(uphold ? "成立，撤销该条积分" : "不成立")")
    }
}
