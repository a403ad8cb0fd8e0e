import Crypto
import Fluent
import LiudongCore
import Vapor

/// Co-management agreements: who may sign with whom, the dates, the members covered, confirmation by the other
/// side, termination, renewal and the signed scan. Each action checks with `AgreementRules`, stores, and writes the
/// audit line.
enum AgreementActions {
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

    static let maxScanBytes = 10 << 20

    /// Validates every field (422 per field) and saves the agreement; `previous`: the agreement this one renews.
    /// `via`: how the audit line names the channel (" （API）" for the API).
    static func create(_ input: Input, previous: Agreement? = nil, via: String = "", as a: Acting) async throws
        -> Agreement
    {
        let user = try a.staffUser()
        guard user.can(.manageAgreements) else { throw AppError.forbidden }
        let outflow = try await AgreementStore.organization(code: input.outflowOrgCode, on: a.db)
        let inflow = try await AgreementStore.organization(code: input.inflowOrgCode, on: a.db)
        func side(_ o: Organization?) -> AgreementSide? {
            o.map {
                AgreementSide(
                    id: $0.id!, regular: $0.kind == .regular,
                    signsForUs: [.county, .committee, .generalBranch, .branch].contains($0.level), closed: $0.isClosed,
                    inReach: user.covers($0) && user.scopeKind == .regular)
            }
        }
        let outflowGiven = Normalize.text(input.outflowOrgCode) != nil
        let number = Normalize.text(input.number)
        let numberTaken = try await number.asyncMap { try await AgreementStore.numberTaken($0, on: a.db) } ?? false
        let raw = input.memberIds ?? []
        let ids = Set(raw.compactMap { UUID(uuidString: $0) })
        var listed: [UUID] = []
        var found: Int?
        if Normalize.text(input.covers) == AgreementCoverage.list.rawValue, let outflow,
            AgreementRules.outflowProblem(side(outflow), given: outflowGiven) == nil, !raw.isEmpty,
            raw.count <= AgreementRules.maxListed
        {
            listed = try await AgreementStore.visibleMembers(Array(ids), under: outflow.path, for: user, on: a.db)
            found = listed.count
        }
        let draft = try AgreementRules.draft(
            outflow: side(outflow), outflowGiven: outflowGiven, inflow: side(inflow),
            inflowGiven: Normalize.text(input.inflowOrgCode) != nil, number: input.number, numberTaken: numberTaken,
            signedOn: input.signedOn, validFrom: input.validFrom, validTo: input.validTo, covers: input.covers,
            listProblem: AgreementRules.listProblem(raw: raw, distinct: ids.count, found: found), duties: input.duties,
            defaultDuties: AgreementText.defaultDuties, outflowContact: input.outflowContact,
            inflowContact: input.inflowContact, today: a.today
        ).orThrow()
        guard let outflow, let inflow else { throw AppError.notFound }
        let agreement = Agreement()
        agreement.number = draft.number
        agreement.outflowOrgID = outflow.id!
        agreement.inflowOrgID = inflow.id!
        agreement.signedOn = draft.signedOn?.description
        agreement.validFrom = draft.validFrom.description
        agreement.validTo = draft.validTo.description
        agreement.covers = draft.covers
        agreement.duties = draft.duties
        agreement.outflowContact = draft.outflowContact
        agreement.inflowContact = draft.inflowContact
        agreement.previousID = previous?.id
        agreement.createdBy = user.username
        try await AgreementStore.create(agreement, listed: draft.covers == .list ? listed : [], on: a.db)
        try await a.audit(
            .create, "agreement", ref: agreement.id!.uuidString,
            summary: previous.map { "续签共管协议\($0.number)→\(agreement.number)" } ?? "签订共管协议\(agreement.number)\(via)")
        return agreement
    }

    /// Whether the account sees the agreement: its scope covers either side, or the agreement was signed by an
    /// organization above it (and so covers its members).
    static func visible(_ agreement: Agreement, to user: CurrentUser, on db: Database) async throws -> Bool {
        let orgs = try await OrgTree.byID([agreement.outflowOrgID, agreement.inflowOrgID], on: db)
        for id in [agreement.outflowOrgID, agreement.inflowOrgID] {
            guard let o = orgs[id] else { continue }
            // An agreement of an organization above the account's covers the account's members too.
            if user.covers(o) || (id == agreement.outflowOrgID && user.scopePath.hasPrefix(o.path)) { return true }
        }
        return false
    }

    /// The agreement, when the account sees it (404 otherwise).
    static func find(_ id: UUID?, for user: CurrentUser, on db: Database) async throws -> Agreement {
        guard let id, let a = try await AgreementStore.agreement(id, on: db), try await visible(a, to: user, on: db)
        else { throw AppError.notFound }
        return a
    }

    /// The side the account stands on, if any: the other side (the inflow or mobile organization's account)
    /// confirms; our tree's accounts manage.
    static func isOtherSide(_ a: Agreement, _ user: CurrentUser) -> Bool { user.scopeID == a.inflowOrgID }

    static func requireManager(_ a: Agreement, _ user: CurrentUser, on db: Database) async throws {
        guard user.can(.manageAgreements), user.scopeKind == .regular,
            let o = try await OrgTree.byID([a.outflowOrgID], on: db)[a.outflowOrgID], user.covers(o)
        else { throw AppError.forbidden }
    }

    static func confirm(_ agreement: Agreement, as a: Acting) async throws {
        let user = try a.staffUser()
        guard isOtherSide(agreement, user) else { throw AppError.forbidden }
        try AgreementRules.confirm(confirmed: agreement.confirmedAt != nil).orThrow()
        agreement.confirmedAt = AppClock.now
        agreement.confirmedBy = user.username
        try await agreement.update(on: a.db)
        try await a.audit(.update, "agreement", ref: agreement.id!.uuidString, summary: "对方确认共管协议\(agreement.number)")
    }

    static func terminate(_ agreement: Agreement, reason: String?, as a: Acting) async throws {
        try await requireManager(agreement, try a.staffUser(), on: a.db)
        let reason = try AgreementRules.terminate(terminatedOn: agreement.terminatedOn, reason: reason).orThrow()
        agreement.terminatedOn = a.today.description
        agreement.terminatedReason = reason
        try await agreement.update(on: a.db)
        try await a.audit(
            .update, "agreement", ref: agreement.id!.uuidString, summary: "终止共管协议\(agreement.number)：\(reason)")
    }

    /// The signed scan (a PDF, JPEG or PNG judged by its bytes, ≤ 10 MB), stored privately under its SHA-256 within
    /// the account's upload quota, replacing an earlier scan. Answers why not, or nil when stored.
    static func uploadScan(_ bytes: Data, to agreement: Agreement, app: Application, as a: Acting) async throws
        -> String?
    {
        let user = try a.staffUser()
        try await requireManager(agreement, user, on: a.db)
        guard bytes.count <= maxScanBytes else { return "扫描件超过10MB，请压缩后再上传" }
        guard let kind = ScanKind.sniff(Array(bytes)) else {
            return "文件内容不是 PDF、JPG 或 PNG，请上传签字盖章协议的扫描件"
        }
        let owner = UploadLedger.owner(account: user)
        let now = AppClock.now
        if let refusal = try await UploadLedger.refusal(
            owner: owner, kind: .attachment, bytes: bytes.count, settings: app.settings, now: now, on: a.db)
        {
            return refusal
        }
        let id = agreement.id!.uuidString
        let sha = SHA256.hash(data: bytes).hex
        agreement.scanSHA256 = sha
        agreement.scanType = kind.rawValue
        agreement.scanSize = bytes.count
        try await UploadLedger.keep(bytes, app) {
            try await a.db.transaction { tx in
                try await agreement.update(on: tx)
                try await UploadLedger.record(owner: owner, kind: .attachment, bytes: bytes.count, now: now, on: tx)
            }
        }
        try await a.audit(
            .update, "agreement", ref: id, summary: "上传协议\(agreement.number)扫描件（\(kind.rawValue)，SHA-256 \(sha)）")
        return nil
    }
}
