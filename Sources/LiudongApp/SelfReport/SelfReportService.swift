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

    static func submit(_ input: SelfReportInput, context c: Context, on db: Database) async throws -> Outcome {
        let v: SelfReportInput.Valid
        switch input.validate(today: c.today) {
        case .success(let ok): v = ok
        case .failure(let p): throw AppError.invalid(p.fields.map { FieldError($0.field, $0.message) })
        }
        let idHash = c.cipher.hash(v.idNumber.value)
        if let wait = await c.limiter.hit("id:\(idHash)", limit: c.settings.reportsPerIDPerHour, window: 3600, now: c.now) {
            throw AppError.rateLimited(retryAfter: wait)
        }
        // Identity: a roster member must match by name too.
        let member = try await Member.query(on: db).filter(\.$idNumberHash == idHash).first()
        if let member, Normalize.key(member.name) != Normalize.key(v.name) {
            throw AppError.invalid([FieldError("name", "姓名与公民身份号码不符，请核对（如已改名请联系所在党支部）")])
        }
        let route = try await routing(v, member: member, on: db)
        let key = dedupeKey(v, idHash: idHash, now: c.now)
        if let existing = try await SelfReport.query(on: db).filter(\.$dedupeKey ~~ [key.current, key.previous]).first() {
            return Outcome(receipt: existing.receipt, status: existing.status, duplicate: true)
        }
        let report = SelfReport()
        report.receipt = Receipt.make()
        report.kind = v.kind
        report.orgCode = v.orgCode
        report.reviewOrgID = route.review.id!
        report.reviewPath = route.review.path
        report.homeOrgID = route.home?.id
        report.inflowOrgID = route.inflow?.id
        report.memberID = member?.id
        report.name = v.name
        report.idNumberEnc = try c.cipher.seal(v.idNumber.value)
        report.idNumberHash = idHash
        report.idMasked = Masking.idNumber(v.idNumber.value)
        report.phoneEnc = try v.phone.map(c.cipher.seal)
        report.phoneMasked = v.phone.map(Masking.phone)
        report.destinationCode = v.destinationCode
        report.address = v.address
        report.employer = v.employer
        report.occupation = v.occupation
        report.reason = v.reason?.rawValue
        report.leftOn = v.leftOn?.description
        report.expectedReturnOn = v.expectedReturnOn?.description
        report.note = v.note
        report.status = .pending
        report.dedupeKey = key.current
        report.clientAddress = c.client
        let who = member == nil ? "\(v.name)（花名册外，流入登记）" : v.name
        let notice = Notice(org: route.review, kind: "report", title: "新的\(v.kind.label)：\(who)，待审核", link: "/reviews", at: c.now)
        do {
            try await db.writeTransaction(gate: c.gate) { tx in
                try await report.create(on: tx)
                try await notice.create(on: tx)
                if let memberID = member?.id {
                    try await MemberEvent(memberID: memberID, kind: "report", summary: "扫码提交\(v.kind.label)（回执\(report.receipt)），待审核",
                                          by: nil, at: c.now).create(on: tx)
                }
            }
        } catch {
            // The same report arrived twice at the same moment: answer with the first one's receipt.
            if (error as? any DatabaseError)?.isConstraintFailure == true,
               let existing = try await SelfReport.query(on: db).filter(\.$dedupeKey == key.current).first() {
                return Outcome(receipt: existing.receipt, status: existing.status, duplicate: true)
            }
            throw error
        }
        return Outcome(receipt: report.receipt, status: .pending, duplicate: false)
    }

    struct Route {
        var review: Organization
        var home: Organization?
        var inflow: Organization?
    }

    /// Who reviews: the member's own branch, or the organization of the code for an arrival or a person not on our roster.
    static func routing(_ v: SelfReportInput.Valid, member: Member?, on db: Database) async throws -> Route {
        guard let org = try await Organization.query(on: db).filter(\.$code == v.orgCode).first(), !org.isClosed else {
            throw AppError.invalid([FieldError("orgCode", "党组织代码“\(v.orgCode)”不存在或已撤销，请重新扫码")])
        }
        var inflow: Organization?
        if let code = v.inflowOrgCode {
            guard let o = try await Organization.query(on: db).filter(\.$code == code).first(), !o.isClosed else {
                throw AppError.invalid([FieldError("inflowOrgCode", "流入地党组织“\(code)”不存在，请在列表中选择")])
            }
            inflow = o
        }
        let home = try await member.asyncMap { try await Organization.find($0.organizationID, on: db) } ?? nil
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
