import Fluent
import LiudongCore
import SQLKit
import Vapor

/// Issuing, re-issuing, checking and revoking activity certificates, and their signed tokens.
enum CertificateService {
    static let validDays = 365

    // MARK: Tokens

    /// `{id without dashes}{version}.{mac}`: the certificate's id and version, signed with a key derived from the
    /// data key; a stranger can neither guess one nor turn one into another.
    static func token(_ c: Certificate, cipher: FieldCipher) -> String {
        let payload = c.id!.uuidString.replacingOccurrences(of: "-", with: "").lowercased() + "v\(c.tokenVersion)"
        return payload + "." + String(cipher.hash("certificate-token|" + payload).prefix(32))
    }

    /// The certificate a token names, when its signature and version hold; nil for anything else.
    static func find(token: String, cipher: FieldCipher, on db: Database) async throws -> Certificate? {
        guard token.count <= 80, token.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == ".") }) else {
            return nil
        }
        let parts = token.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 2 else { return nil }
        let payload = String(parts[0])
        let expected = String(cipher.hash("certificate-token|" + payload).prefix(32))
        guard constantTimeEqual(expected, String(parts[1])) else { return nil }
        let halves = payload.split(separator: "v")
        guard halves.count == 2, halves[0].count == 32, let version = Int(halves[1]), version < 1_000_000 else {
            return nil
        }
        let hex = Array(halves[0])
        let dashed = [0..<8, 8..<12, 12..<16, 16..<20, 20..<32].map { String(hex[$0]) }.joined(separator: "-")
        guard let id = UUID(uuidString: dashed), let c = try await Certificate.find(id, on: db),
            c.tokenVersion == version
        else { return nil }
        return c
    }

    // MARK: Lifecycle

    /// The county code a member's certificate number starts with: their home county's code (the city's, above it).
    static func countyCode(of member: Member, on db: Database) async throws -> String {
        guard let branch = try await Organization.find(member.organizationID, on: db) else { return "000000" }
        let chain = try await Organization.query(on: db).filter(\.$id ~~ branch.pathIDs).all()
        return (chain.first { $0.level == .county } ?? chain.first { $0.level == .city } ?? branch).code
    }

    /// The next free number of the county and year.
    static func nextNumber(county: String, year: Int, on db: Database) async throws -> String {
        let prefix = "\(county)-\(year)-"
        let last = try await Certificate.query(on: db).filter(\.$number =~ prefix).sort(\.$number, .descending).first()
        let n = (last.flatMap { Int($0.number.suffix(5)) } ?? 0) + 1
        guard n <= 99_999 else { throw AppError.conflict("\(county)\(year)年的活动证编号已用完") }
        return prefix + String(format: "%05d", n)
    }

    /// The certificate of the member's open flow: a new one when there is none usable (or it was revoked), else the
    /// same certificate with a new token (the old QR code stops working). Validity is never extended here.
    static func issue(
        for member: Member, by username: String, on db: Database, today: CalendarDate = AppClock.today
    ) async throws -> Certificate {
        guard
            let flow = try await Flow.query(on: db).filter(\.$memberID == member.id!)
                .filter(\.$status ~~ [.away, .arrived, .lost]).first()
        else { throw AppError.conflict("该党员没有进行中的流动，不能发放流动党员活动证") }
        if let why = CertificateRules.refusal(try await rules(flow, on: db)) { throw AppError.conflict(why) }
        if let c = try await Certificate.query(on: db).filter(\.$flowID == flow.id!).filter(\.$revokedOn == nil).first()
        {
            c.tokenVersion += 1
            try await c.update(on: db)
            return c
        }
        let county = try await countyCode(of: member, on: db)
        let c = Certificate()
        c.number = try await nextNumber(county: county, year: today.year, on: db)
        c.memberID = member.id!
        c.flowID = flow.id!
        c.issuedOn = today.description
        c.validTo = today.adding(days: validDays - 1).description
        c.tokenVersion = 1
        c.issuedBy = username
        do {
            try await c.create(on: db)
        } catch  where (error as? any DatabaseError)?.isConstraintFailure == true {
            // Another request took the number at the same moment (the unique index said so).
            throw AppError.conflict("活动证编号冲突，请重试")
        }
        return c
    }

    /// The member's open flow, if any.
    static func openFlow(of member: UUID, on db: Database) async throws -> Flow? {
        try await Flow.query(on: db).filter(\.$memberID == member).filter(\.$status ~~ [.away, .arrived, .lost]).first()
    }

    /// A flow as `CertificateRules` sees it, with the last contact on record (the flow's or a pairing contact's).
    static func rules(_ f: Flow, on db: Database) async throws -> CertificateRules.Flow {
        let contact = try await db.sql().raw(
            "SELECT MAX(contact_on) AS last FROM contacts WHERE member_id = \(bind: f.memberID)"
        ).first().flatMap { try? $0.decode(column: "last", as: String?.self) }
        let last = [f.lastContactOn, contact].compactMap { $0.flatMap { CalendarDate($0) } }.max()
        return CertificateRules.Flow(
            reason: f.reason.flatMap(OutflowReason.init(rawValue:)), leftOn: CalendarDate(f.leftOn),
            expectedReturnOn: f.expectedReturnOn.flatMap { CalendarDate($0) },
            arrivedOn: (f.arrivedOn ?? f.movedOn).flatMap { CalendarDate($0) }, lastContactOn: last)
    }

    /// Ends every certificate of the member's closed flows.
    static func revokeAll(of memberID: UUID, reason: String, on db: Database, today: CalendarDate = AppClock.today)
        async throws
    {
        for c in try await Certificate.query(on: db).filter(\.$memberID == memberID).filter(\.$revokedOn == nil).all() {
            c.revokedOn = today.description
            c.revokedReason = reason
            try await c.update(on: db)
        }
    }

    /// The annual check: the year's appraisal recorded, validity extended one year from the later of today and the
    /// current end. Once per year; never on a revoked certificate.
    static func check(
        _ c: Certificate, year: Int?, appraisal: String?, by username: String, on db: Database,
        today: CalendarDate = AppClock.today
    ) async throws -> CertificateCheck {
        var errors: [FieldError] = []
        let grade = appraisal.flatMap(AppraisalGrade.init(rawValue:))
        if grade == nil { errors.append(FieldError("appraisal", "请选择民主评议结果（优秀、合格、基本合格、不合格）")) }
        guard let year, (today.year - 1)...today.year ~= year else {
            throw AppError.invalid(errors + [FieldError("year", "年审年度应为今年或去年")])
        }
        guard errors.isEmpty, let grade else { throw AppError.invalid(errors) }
        guard c.revokedOn == nil else { throw AppError.conflict("活动证已注销，不能年审") }
        if try await CertificateCheck.query(on: db).filter(\.$certificateID == c.id!).filter(\.$year == year).count()
            > 0
        {
            throw AppError.conflict("\(year)年度已年审")
        }
        let base = max(today, CalendarDate(c.validTo) ?? today)
        let check = CertificateCheck()
        check.certificateID = c.id!
        check.year = year
        check.appraisal = grade
        check.checkedOn = today.description
        check.validTo = base.adding(days: validDays).description
        check.checkedBy = username
        try await db.transaction { tx in
            try await check.create(on: tx)
            c.validTo = check.validTo
            try await c.update(on: tx)
        }
        return check
    }

    /// Certificates of flows that have ended (a safety net behind the review hook) and of members abroad; returns
    /// how many.
    static func revokeStale(on db: Database, today: CalendarDate) async throws -> Int {
        let sql = try db.sql()
        let open = SQLBind.group(LedgerService.openStates)
        let stale = try await sql.raw(
            """
            SELECT c.id FROM certificates c JOIN flows f ON f.id = c.flow_id
            WHERE c.revoked_on IS NULL AND f.status NOT IN \(open)
            """
        ).all(decoding: CertificateID.self).map(\.id)
        // A member abroad keeps no certificate (issued before the rule, or the flow's reason changed since).
        let abroad = try await sql.raw(
            """
            SELECT c.id FROM certificates c JOIN flows f ON f.id = c.flow_id
            WHERE c.revoked_on IS NULL AND f.status IN \(open) AND f.reason = \(bind: OutflowReason.abroad.rawValue)
            """
        ).all(decoding: CertificateID.self).map(\.id)
        for (ids, reason) in [(stale, "流动已结束"), (abroad, "出国(境)党员不发放活动证")] {
            for chunk in ids.chunked(400) {
                try await sql.update("certificates").set("revoked_on", to: today.description)
                    .set("revoked_reason", to: reason).where("id", .in, SQLBind.group(Array(chunk))).run()
            }
        }
        return stale.count + abroad.count
    }
}

/// A certificate's id, as a query reads it.
private struct CertificateID: Decodable { var id: UUID }

/// The queries the certificate pages, the archive and the member's tile need.
enum CertificateStore {
    /// The member's certificates.
    static func certificates(of member: UUID, on db: Database) async throws -> [Certificate] {
        try await Certificate.query(on: db).filter(\.$memberID == member).all()
    }

    /// The member's latest certificate.
    static func latest(of member: UUID, on db: Database) async throws -> Certificate? {
        try await Certificate.query(on: db).filter(\.$memberID == member).sort(\.$createdAt, .descending).first()
    }

    static func checks(of certificates: [UUID], on db: Database) async throws -> [CertificateCheck] {
        try await CertificateCheck.query(on: db).filter(\.$certificateID ~~ certificates).all()
    }

    static func checkins(of certificates: [UUID], on db: Database) async throws -> [CertificateCheckin] {
        try await CertificateCheckin.query(on: db).filter(\.$certificateID ~~ certificates).all()
    }

    /// The day the certificate last checked in with the organization, if ever.
    static func lastCheckin(_ certificate: UUID, org: Int, on db: Database) async throws -> String? {
        try await CertificateCheckin.query(on: db).filter(\.$certificateID == certificate).filter(\.$orgID == org)
            .sort(\.$checkedInOn, .descending).first()?.checkedInOn
    }

    /// Records the check-in unless the certificate already checked in with the organization that day; answers
    /// whether it was recorded.
    static func checkIn(_ c: Certificate, org: Int, on day: CalendarDate, by username: String, db: Database)
        async throws -> Bool
    {
        let already = try await CertificateCheckin.query(on: db).filter(\.$certificateID == c.id!)
            .filter(\.$orgID == org).filter(\.$checkedInOn == day.description).count()
        guard already == 0 else { return false }
        let ci = CertificateCheckin()
        ci.certificateID = c.id!
        ci.memberID = c.memberID
        ci.orgID = org
        ci.checkedInOn = day.description
        ci.byUsername = username
        try await ci.create(on: db)
        return true
    }
}
