import Crypto
import Fluent
import LiudongCore
import SQLKit
import Vapor

/// Accepting self-reports: validate, identify, route, store once, notify — one transaction.
enum SelfReportService {
    struct Outcome: Sendable {
        var receipt: String
        var status: ReportStatus
        var duplicate: Bool
    }

    struct Context: Sendable {
        var cipher: FieldCipher
        var settings: Settings
        var limiter: RateLimiter
        var writer: ReportWriter
        var client: String
        var today: CalendarDate = AppClock.today
        var now: Date = AppClock.now
    }

    /// The hot path stays on plain SQL (no model reflection): DESIGN §5 asks for thousands of reports a second.
    static func submit(_ input: SelfReportInput, context c: Context, directory: OrgDirectory, on db: Database)
        async throws -> Outcome
    {
        let v: SelfReportInput.Valid
        switch input.validate(today: c.today) {
        case .success(let ok): v = ok
        case .failure(let p): throw AppError.invalid(p.fields.map { FieldError($0.field, $0.message) })
        }
        let sql = try db.sql()
        // Everything a stranger can get wrong is checked before the roster is looked at, so the answer (status,
        // fields, message) never depends on whether the ID number belongs to one of our members.
        let codes = try await checkCodes(v, directory: directory, on: db)
        let idHash = c.cipher.hash(v.idNumber.value)
        // Per person, keyed on ID and name and counting accepted reports only: 20 bogus posts with someone's ID
        // number cannot block that person's own reporting.
        let limitKey = "id:\(idHash):\(c.cipher.hash(Normalize.key(v.name)))"
        if let wait = c.limiter.wait(limitKey, limit: c.settings.reportsPerIDPerHour, window: 3600, now: c.now) {
            throw AppError.rateLimited(retryAfter: wait)
        }
        // One round trip: the roster member with this number (if any) and an earlier copy of this report (if any).
        let key = dedupeKey(v, idHash: idHash, now: c.now, cipher: c.cipher)
        let found = try await sql.raw(
            """
            SELECT m.id, m.name, m.organization_id,
                   (SELECT receipt FROM self_reports WHERE dedupe_key IN (\(bind: key.current), \(bind: key.previous)) LIMIT 1) AS dup_receipt,
                   (SELECT status FROM self_reports WHERE dedupe_key IN (\(bind: key.current), \(bind: key.previous)) LIMIT 1) AS dup_status
            FROM (SELECT 1 AS one) AS anchor LEFT JOIN members m ON m.id_number_hash = \(bind: idHash)
            """
        ).first(decoding: RosterLookupRow.self)
        if let receipt = found?.dup_receipt {
            return Outcome(
                receipt: receipt, status: found?.dup_status.flatMap(ReportStatus.init(rawValue:)) ?? .pending,
                duplicate: true)
        }
        let memberID = found?.id
        // Identity: a name that differs from the roster's goes to the reviewer as a flag, never back to the sender.
        let nameDiffers = memberID != nil && found?.name.map { Normalize.key($0) != Normalize.key(v.name) } == true
        let route = try await routing(
            v, codes: codes, homeOrgID: memberID == nil ? nil : found?.organization_id, directory: directory, on: db)
        let receipt = Receipt.make()
        let who = memberID == nil ? "\(v.name)（花名册外，流入登记）" : nameDiffers ? "\(v.name)（姓名与花名册不符，请核实）" : v.name
        let rows = ReportWriter.Rows(
            report: [
                UUID(), receipt, v.kind.rawValue, v.orgCode, route.review.id, route.review.path, route.home?.id,
                route.inflow?.id,
                memberID, v.name, try c.cipher.seal(v.idNumber.value), idHash, Masking.idStored(v.idNumber.value),
                try v.phone.map(c.cipher.seal), v.phone.map(Masking.phone), v.destinationCode, v.address, v.employer,
                v.occupation,
                v.reason?.rawValue, v.leftOn?.description, v.expectedReturnOn?.description, v.note,
                ReportStatus.pending.rawValue,
                key.current, c.client, c.now, nameDiffers,
            ],
            notice: [
                route.review.id, route.review.path, NoticeKind.report.rawValue, "新的\(v.kind.label)：\(who)，待审核",
                "/reviews", c.now,
            ],
            event: memberID.map {
                [
                    $0, c.now, MemberEventKind.report.rawValue,
                    "扫码提交\(v.kind.label)（回执\(Masking.receipt(receipt))），待审核", String?.none,
                ]
            })
        do {
            try await c.writer.write(rows)
        } catch {
            // The same report arrived twice at the same moment: answer with the first one's receipt.
            if (error as? any DatabaseError)?.isConstraintFailure == true,
                let first = try await sql.select().columns("receipt", "status").from("self_reports")
                    .where("dedupe_key", .equal, key.current).first(decoding: DuplicateReportRow.self)
            {
                return Outcome(
                    receipt: first.receipt, status: ReportStatus(rawValue: first.status) ?? .pending, duplicate: true)
            }
            throw error
        }
        c.limiter.count(limitKey, window: 3600, now: c.now)
        return Outcome(receipt: receipt, status: .pending, duplicate: false)
    }

    /// The organization of the code and the chosen inflow organization, both checked before anything else.
    static func checkCodes(_ v: SelfReportInput.Valid, directory: OrgDirectory, on db: Database) async throws
        -> (org: OrgDirectory.Entry, inflow: OrgDirectory.Entry?)
    {
        var errors: [FieldError] = []
        let org = try await directory.byCode(v.orgCode, on: db).flatMap { $0.isClosed ? nil : $0 }
        if org == nil { errors.append(FieldError("orgCode", "党组织代码“\(v.orgCode)”不存在或已撤销，请重新扫码")) }
        var inflow: OrgDirectory.Entry?
        if let code = v.inflowOrgCode {
            inflow = try await directory.byCode(code, on: db).flatMap { $0.isClosed ? nil : $0 }
            if inflow == nil { errors.append(FieldError("inflowOrgCode", "流入地党组织“\(code)”不存在，请在列表中选择")) }
        }
        guard let org, errors.isEmpty else { throw AppError.invalid(errors) }
        return (org, inflow)
    }

    struct Route {
        var review: OrgDirectory.Entry
        var home: OrgDirectory.Entry?
        var inflow: OrgDirectory.Entry?
    }

    /// Who reviews: the member's own branch, or the organization of the code for an arrival or a person not on our roster.
    static func routing(
        _ v: SelfReportInput.Valid, codes: (org: OrgDirectory.Entry, inflow: OrgDirectory.Entry?), homeOrgID: Int?,
        directory: OrgDirectory, on db: Database
    ) async throws -> Route {
        let (org, inflow) = codes
        var home: OrgDirectory.Entry?
        if let homeOrgID { home = try await directory.byID(homeOrgID, on: db) }
        switch v.kind {
        case .arrival:
            return Route(review: org, home: home, inflow: org)
        case .outflow, .change, .return:
            if let home { return Route(review: home, home: home, inflow: inflow) }
            return Route(review: org, home: nil, inflow: inflow)
        }
    }

    /// A keyed digest of the content and the ten-minute window it was sent in (and the one before). Keyed: the
    /// content includes the phone, and the row stores every other field beside it (issue 25 item 7).
    static func dedupeKey(_ v: SelfReportInput.Valid, idHash: String, now: Date, cipher: FieldCipher) -> (
        current: String, previous: String
    ) {
        let content = [
            v.kind.rawValue, idHash, v.orgCode, v.name, v.phone ?? "", v.destinationCode ?? "", v.address ?? "",
            v.employer ?? "", v.occupation ?? "", v.reason.map { "\($0.rawValue)" } ?? "", v.leftOn?.description ?? "",
            v.expectedReturnOn?.description ?? "", v.inflowOrgCode ?? "", v.note ?? "",
        ]
        let bucket = Int(now.timeIntervalSince1970 / 600)
        func key(_ b: Int) -> String { cipher.digest("self-report", content + [String(b)]) }
        return (key(bucket), key(bucket - 1))
    }

    /// Status check for the member: the receipt and the last six characters of the ID number must both match.
    static func status(receipt raw: String, idTail: String, cipher: FieldCipher, on db: Database) async throws
        -> SelfReport
    {
        let receipt = Receipt.normalize(raw)
        let tail = Normalize.key(idTail).uppercased()
        guard receipt.count >= 12, tail.count == 6,
            let report = try await SelfReport.query(on: db).filter(\.$receipt == receipt).first(),
            let id = try? cipher.open(report.idNumberEnc), id.hasSuffix(tail)
        else {
            throw AppError.notFound
        }
        return report
    }
}

private struct RosterLookupRow: Decodable {
    var id: UUID?
    var name: String?
    var organization_id: Int?
    var dup_receipt: String?
    var dup_status: String?
}

private struct DuplicateReportRow: Decodable {
    var receipt: String
    var status: String
}
