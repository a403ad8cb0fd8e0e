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
        var gate: WriteGate
        var limiter: RateLimiter
        var client: String
        var today: CalendarDate = .today()
        var now: Date = Date()
    }

    /// The hot path stays on plain SQL (no model reflection): DESIGN §5 asks for thousands of reports a second.
    static func submit(_ input: SelfReportInput, context c: Context, directory: OrgDirectory, on db: Database) async throws -> Outcome {
        let v: SelfReportInput.Valid
        switch input.validate(today: c.today) {
        case .success(let ok): v = ok
        case .failure(let p): throw AppError.invalid(p.fields.map { FieldError($0.field, $0.message) })
        }
        guard let sql = db as? SQLDatabase else { throw AppError.conflict("需要SQL数据库") }
        let idHash = c.cipher.hash(v.idNumber.value)
        if let wait = await c.limiter.hit("id:\(idHash)", limit: c.settings.reportsPerIDPerHour, window: 3600, now: c.now) {
            throw AppError.rateLimited(retryAfter: wait)
        }
        // Identity: a roster member must match by name too.
        struct MemberRow: Decodable { var id: UUID; var name: String; var organization_id: Int }
        let member = try await sql.select().columns("id", "name", "organization_id").from("members")
            .where("id_number_hash", .equal, idHash).first(decoding: MemberRow.self)
        if let member, Normalize.key(member.name) != Normalize.key(v.name) {
            throw AppError.invalid([FieldError("name", "姓名与公民身份号码不符，请核对（如已改名请联系所在党支部）")])
        }
        let route = try await routing(v, homeOrgID: member?.organization_id, directory: directory, on: db)
        let key = dedupeKey(v, idHash: idHash, now: c.now)
        struct Existing: Decodable { var receipt: String; var status: String }
        func existing(_ keys: [String]) async throws -> Outcome? {
            try await sql.select().columns("receipt", "status").from("self_reports").where("dedupe_key", .in, keys)
                .first(decoding: Existing.self)
                .map { Outcome(receipt: $0.receipt, status: ReportStatus(rawValue: $0.status) ?? .pending, duplicate: true) }
        }
        if let first = try await existing([key.current, key.previous]) { return first }
        let receipt = Receipt.make()
        let reportID = UUID()
        let columns = ["id", "receipt", "kind", "org_code", "review_org_id", "review_path", "home_org_id", "inflow_org_id", "member_id",
                       "name", "id_number_enc", "id_number_hash", "id_masked", "phone_enc", "phone_masked", "destination_code", "address",
                       "employer", "occupation", "reason", "left_on", "expected_return_on", "note", "status", "dedupe_key",
                       "client_address", "created_at"]
        let values: [any Encodable & Sendable] = [
            reportID, receipt, v.kind.rawValue, v.orgCode, route.review.id, route.review.path, route.home?.id, route.inflow?.id, member?.id,
            v.name, try c.cipher.seal(v.idNumber.value), idHash, Masking.idNumber(v.idNumber.value), try v.phone.map(c.cipher.seal),
            v.phone.map(Masking.phone), v.destinationCode, v.address, v.employer, v.occupation, v.reason?.rawValue, v.leftOn?.description,
            v.expectedReturnOn?.description, v.note, ReportStatus.pending.rawValue, key.current, c.client, c.now,
        ]
        let who = member == nil ? "\(v.name)（花名册外，流入登记）" : v.name
        let title = "新的\(v.kind.label)：\(who)，待审核"
        do {
            try await db.writeTransaction(gate: c.gate) { tx in
                let sql = tx as! SQLDatabase
                try await sql.insert(into: "self_reports").columns(columns).values(values).run()
                try await sql.insert(into: "notices").columns("org_id", "org_path", "kind", "title", "link", "created_at")
                    .values([route.review.id, route.review.path, "report", title, "/reviews", c.now] as [any Encodable & Sendable]).run()
                if let memberID = member?.id {
                    try await sql.insert(into: "member_events").columns("member_id", "at", "kind", "summary", "account_username")
                        .values([memberID, c.now, "report", "扫码提交\(v.kind.label)（回执\(receipt)），待审核", String?.none] as [any Encodable & Sendable]).run()
                }
            }
        } catch {
            // The same report arrived twice at the same moment: answer with the first one's receipt.
            if (error as? any DatabaseError)?.isConstraintFailure == true, let first = try await existing([key.current]) { return first }
            throw error
        }
        return Outcome(receipt: receipt, status: .pending, duplicate: false)
    }

    struct Route {
        var review: OrgDirectory.Entry
        var home: OrgDirectory.Entry?
        var inflow: OrgDirectory.Entry?
    }

    /// Who reviews: the member's own branch, or the organization of the code for an arrival or a person not on our roster.
    static func routing(_ v: SelfReportInput.Valid, homeOrgID: Int?, directory: OrgDirectory, on db: Database) async throws -> Route {
        guard let org = try await directory.byCode(v.orgCode, on: db), !org.isClosed else {
            throw AppError.invalid([FieldError("orgCode", "党组织代码“\(v.orgCode)”不存在或已撤销，请重新扫码")])
        }
        var inflow: OrgDirectory.Entry?
        if let code = v.inflowOrgCode {
            guard let o = try await directory.byCode(code, on: db), !o.isClosed else {
                throw AppError.invalid([FieldError("inflowOrgCode", "流入地党组织“\(code)”不存在，请在列表中选择")])
            }
            inflow = o
        }
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

    /// A hash of the content and the ten-minute window it was sent in (and the one before).
    static func dedupeKey(_ v: SelfReportInput.Valid, idHash: String, now: Date) -> (current: String, previous: String) {
        let content = [v.kind.rawValue, idHash, v.orgCode, v.name, v.phone ?? "", v.destinationCode ?? "", v.address ?? "",
                       v.employer ?? "", v.occupation ?? "", v.reason.map { "\($0.rawValue)" } ?? "", v.leftOn?.description ?? "",
                       v.expectedReturnOn?.description ?? "", v.inflowOrgCode ?? "", v.note ?? ""].joined(separator: "\u{1F}")
        let bucket = Int(now.timeIntervalSince1970 / 600)
        func key(_ b: Int) -> String { SHA256.hash(data: Data((content + "\u{1F}\(b)").utf8)).hex }
        return (key(bucket), key(bucket - 1))
    }

    /// Status check for the member: the receipt and the last six characters of the ID number must both match.
    static func status(receipt raw: String, idTail: String, cipher: FieldCipher, on db: Database) async throws -> SelfReport {
        let receipt = Receipt.normalize(raw)
        let tail = Normalize.key(idTail).uppercased()
        guard receipt.count >= 12, tail.count == 6,
              let report = try await SelfReport.query(on: db).filter(\.$receipt == receipt).first(),
              let id = try? cipher.open(report.idNumberEnc), id.hasSuffix(tail) else {
            throw AppError.notFound
        }
        return report
    }
}

extension Optional {
    func asyncMap<T>(_ transform: (Wrapped) async throws -> T) async rethrows -> T? {
        guard let value = self else { return nil }
        return try await transform(value)
    }
}
