import Crypto
import Fluent
import Foundation
import LiudongCore
import Vapor

/// Acting for an inflow organization without an account (`ProxyRules`): its quarterly list uploaded on its behalf, and
/// its sign-off recorded from a stamped receipt; audited.
enum ProxyActions {
    /// The inflow organization `code` when the account may act for it (404 outside, 409 with the reason).
    static func target(_ code: String?, for user: CurrentUser, on db: Database) async throws -> Organization {
        guard user.can(.runReconciliation), user.scopeKind == .regular, let code = Normalize.text(code),
            code.count <= 40,
            let org = try await Organization.query(on: db).filter(\.$code == code).first(), org.kind == .external
        else { throw AppError.notFound }
        let why = ProxyRules.refusal(
            hasAccount: try await ProxyStore.hasAccount(org.id!, on: db),
            related: try await ProxyStore.related(under: user.scopePath, org: org.id!, on: db))
        if let why { throw AppError.conflict(why) }
        return org
    }

    /// Starts the dry run of the organization's list uploaded on its behalf; the job's page takes it from there.
    static func upload(
        _ data: Data, fileName: String, for org: Organization, quarter: Quarter, user: CurrentUser, app: Application
    ) async throws -> UUID {
        let stored = try await app.files.put(data, on: app.db)
        let job = ImportJob(
            id: UUID(), accountID: user.accountID, kind: .inflow, orgID: org.id, proxy: true, quarter: quarter,
            fileName: String(fileName.prefix(200)), fileSHA256: stored.sha256, scopePath: user.scopePath,
            scopeCode: user.scopeCode, username: user.username)
        try await ImportJobStore.create(job, on: app.db)
        app.importWorker.kick(app)
        return job.id
    }

    /// Signs the inflow side of the pair (the account's county ↔ `inflow`) from a stamped receipt: once the quarter is
    /// reconciled for the county and nothing stands open between them.
    static func sign(quarter: Quarter, inflow: Organization, receipt bytes: Data, app: Application, as a: Acting)
        async throws -> String
    {
        let user = try a.staffUser()
        let kind = try ProxyRules.receipt(kind: ScanKind.sniff(Array(bytes)), bytes: bytes.count).orThrow()
        guard let scope = try await Organization.find(user.scopeID, on: a.db),
            let county = try await OrgTree.county(of: scope, on: a.db), let countyID = county.id,
            let inflowID = inflow.id
        else { throw AppError.notFound }
        let sql = try a.db.sql()
        guard try await ReconcileService.hasRun(quarter: quarter, covering: county.path, on: sql) else {
            throw AppError.conflict("\(quarter.chinese)尚未对\(county.shortName)运行对账，不能签认")
        }
        let open = try await ReconciliationStore.openItems(
            quarter: quarter, countyID: countyID, inflowOrgID: inflowID, on: sql)
        guard open == 0 else {
            throw AppError.conflict("\(county.shortName)与\(inflow.shortName)之间还有 \(open) 条差异未处理，不能签认")
        }
        let owner = UploadLedger.owner(account: user)
        let now = AppClock.now
        if let refusal = try await UploadLedger.refusal(
            owner: owner, kind: .attachment, bytes: bytes.count, settings: app.settings, now: now, on: a.db)
        {
            throw AppError.conflict(refusal)
        }
        let sha = SHA256.hash(data: bytes).hex
        try await UploadLedger.keep(bytes, app) {
            try await ReconciliationStore.sign(
                quarter: quarter, countyID: countyID, inflowOrgID: inflowID, outflowSide: false,
                username: ProxyRules.signer(user.username), gate: app.writeGate, on: a.db)
            try await ProxyStore.attachReceipt(
                quarter: quarter, county: countyID, inflow: inflowID, sha256: sha, kind: kind, on: a.db)
            try await UploadLedger.record(owner: owner, kind: .attachment, bytes: bytes.count, now: now, on: a.db)
        }
        try await a.audit(
            .update, "reconciliation-signoff", ref: "\(quarter) \(county.code) \(inflow.code)",
            summary:
                "对账确认（\(quarter.chinese)）：\(county.shortName) ↔ \(inflow.shortName)，凭盖章回执代流入地签认（\(kind.rawValue)，SHA-256 \(sha)）"
        )
        return county.code
    }
}
