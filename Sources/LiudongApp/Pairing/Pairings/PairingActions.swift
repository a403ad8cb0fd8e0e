import Fluent
import LiudongCore
import SQLKit
import Vapor

/// Pairing cadres with mobile members: who may pair whom (`PairingRules`), the per-cadre cap, ending by hand and the
/// automatic end. Each action stores, records the member's event and writes the audit line.
enum PairingActions {
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

    static let posts = PairingRules.posts

    /// Validates every field (422 per field) and creates the pairing. The caller audits: one line for a batch.
    static func create(_ input: Input, cap: Int, cipher: FieldCipher, as a: Acting) async throws -> Pairing {
        let user = try a.staffUser()
        let c = input.cadre ?? CadreInput()
        let member =
            try await input.memberId.flatMap(UUID.init(uuidString:)).asyncMap {
                try await user.visibleMembers(Member.query(on: a.db)).filter(\.$id == $0).first()
            } ?? nil
        let flow = try await member.asyncMap { try await PairingStore.openFlow(of: $0.id!, on: a.db) } ?? nil
        let org =
            try await Normalize.text(c.orgCode).asyncMap { try await PairingStore.organization(code: $0, on: a.db) }
            ?? nil
        let home =
            try await member.asyncMap {
                try await OrgTree.byID([$0.organizationID], on: a.db)[$0.organizationID]
            } ?? nil
        var accountFits: Bool?
        var accountID: UUID?
        if let username = Normalize.text(c.account)?.lowercased() {
            let account = try await PairingStore.account(username: username, on: a.db)
            accountFits = account != nil && org != nil && account?.organizationID == org?.id
            if accountFits == true { accountID = account?.id }
        }
        let phone = PairingRules.phone(c.phone)
        let load = try await phone.asyncMap { try await PairingStore.load(cadre: cipher.hash($0), on: a.db) } ?? 0
        let side = input.side.flatMap(PairingSide.init(rawValue:))
        let existing =
            try await member.asyncMap { m in
                try await side.asyncMap { try await PairingStore.open(of: m.id!, side: $0, on: a.db) } ?? nil
            } ?? nil
        let draft = try PairingRules.pairing(
            side: input.side, name: c.name, post: c.post, phone: c.phone,
            facts: PairingFacts(
                memberFound: member != nil, flowOpen: flow != nil, inflowOrgID: flow?.inflowOrgID,
                org: org.map {
                    ($0.id!, user.covers($0), $0.kind == .regular, home?.path.hasPrefix($0.path) ?? false)
                }, accountFits: accountFits, load: load, existingCadre: existing?.cadreName), cap: cap
        ).orThrow()
        guard let member, let org else { throw AppError.notFound }
        let p = Pairing()
        p.memberID = member.id!
        p.flowID = flow?.id
        p.side = draft.side
        p.cadreName = draft.name
        p.cadrePost = draft.post
        p.cadrePhoneEnc = try cipher.seal(draft.phone)
        p.cadrePhoneHash = cipher.hash(draft.phone)
        p.cadrePhoneMasked = Masking.phone(draft.phone)
        p.cadreOrgID = org.id!
        p.cadreAccountID = accountID
        p.startedOn = a.today.description
        p.createdBy = user.username
        try await a.db.transaction { tx in
            try await p.create(on: tx)
            try await MemberEvent.record(
                member.id!, kind: .contact,
                summary: "安排\(draft.side.label)结对人：\(draft.name)（\(draft.post)，\(org.shortName)）",
                by: user.username, on: tx)
        }
        return p
    }

    /// Many members to one cadre at once: each member that cannot be paired is named with the reason; one audit line.
    static func assign(
        _ memberIDs: [String], side: String?, cadre: CadreInput, org: Organization, cap: Int, cipher: FieldCipher,
        as a: Acting
    ) async throws -> (done: Int, failures: [String]) {
        var done = 0
        var failures: [String] = []
        for id in memberIDs {
            do {
                _ = try await create(.init(memberId: id, side: side, cadre: cadre), cap: cap, cipher: cipher, as: a)
                done += 1
            } catch AppError.invalid(let errors) {
                let name = try await UUID(uuidString: id).asyncMap { try await Member.find($0, on: a.db)?.name } ?? nil
                failures.append("\(name ?? "?")：\(errors.map(\.message).joined(separator: "；"))")
            }
        }
        if done > 0 {
            try await a.audit(.create, "pairing", ref: org.code, summary: "为\(done)名流动党员安排结对人\(cadre.name ?? "")")
        }
        return (done, failures)
    }

    /// One pairing from the API, audited.
    static func createOne(_ input: Input, cap: Int, cipher: FieldCipher, as a: Acting) async throws -> Pairing {
        let p = try await create(input, cap: cap, cipher: cipher, as: a)
        try await a.audit(.create, "pairing", ref: p.id!.uuidString, summary: "安排\(p.side.label)结对人\(p.cadreName)（API）")
        return p
    }

    /// A pairing the account may see: the member is visible to it.
    static func find(_ id: UUID?, for user: CurrentUser, on db: Database) async throws -> Pairing {
        guard let id, let p = try await PairingStore.pairing(id, on: db),
            try await user.visibleMembers(Member.query(on: db)).filter(\.$id == p.memberID).count() > 0
        else { throw AppError.notFound }
        return p
    }

    /// Ends a pairing by hand, with the reason. `via`: " （API）" from the API.
    static func end(_ p: Pairing, reason: String?, via: String = "", as a: Acting) async throws {
        let user = try a.staffUser()
        let why = try PairingRules.end(endedOn: p.endedOn, reason: reason).orThrow()
        // The inflow side ends its own side's pairings only.
        if user.isInflowSide, p.side != .inflow { throw AppError.forbidden }
        try await a.db.transaction { tx in
            p.endedOn = a.today.description
            p.endReason = why
            try await p.update(on: tx)
            try await MemberEvent.record(
                p.memberID, kind: .contact, summary: "解除\(p.side.label)结对（\(p.cadreName)）：\(why)", by: user.username,
                on: tx)
        }
        try await a.audit(
            .update, "pairing", ref: p.id!.uuidString, summary: "解除结对（\(p.cadreName)）：\(reason ?? "")\(via)")
    }

    /// Ends every open pairing of a member, with the reason (the flow closed, the member moved branch).
    static func endAll(
        of memberID: UUID, side: PairingSide? = nil, reason: String, on db: Database,
        today: CalendarDate = AppClock.today
    ) async throws {
        for p in try await PairingStore.open(of: memberID, side: side, on: db) {
            try await endAutomatically(p, reason: reason, on: db, today: today)
        }
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
        let rows = try await PairingStore.stale(on: db)
        for row in rows {
            guard let p = try await PairingStore.pairing(row.id, on: db) else { continue }
            try await endAutomatically(
                p, reason: PairingRules.staleReason(flowClosed: row.flowClosed), on: db, today: today)
        }
        return rows.count
    }
}
