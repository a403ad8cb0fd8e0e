import Fluent
import LiudongCore
import NIOPosix
import SQLKit
import Vapor

/// Members' activation and sign-in. Every failure a stranger could cause — an unknown ID number, a wrong or expired
/// code, a receipt offered instead of a code, a wrong password, a locked account — gets the same message and the same work
/// (one bcrypt), so nothing tells whether a person is on the roster.
enum MemberAuthService {
    static let activationFailed = "身份证号或激活码不正确，或激活码已过期、已使用（激活码请向所在党支部领取）"
    static let signInFailed = "身份证号或密码不正确（连续输错将暂停登录）"
    /// Codes are read aloud and typed on phones: no 0/O, 1/I/L.
    static let codeAlphabet = Array("23456789ABCDEFGHJKMNPQRSTUVWXYZ")
    static let codeDays = 14

    /// The ID number as the hash keys it (half-width, upper-case X), or nil when it cannot be one.
    static func normalizedID(_ raw: String?) -> String? {
        guard let raw = Normalize.text(raw) else { return nil }
        let text = Normalize.key(raw).uppercased()
        guard text.count == 18, text.allSatisfy({ $0.isASCII && ($0.isNumber || $0 == "X") }) else { return nil }
        return text
    }

    static func normalizedCode(_ raw: String?) -> String {
        String(Normalize.key(raw ?? "").uppercased().filter { $0.isASCII && ($0.isLetter || $0.isNumber) }.prefix(32))
    }

    /// Members' passwords: at least 8 characters, not all digits (a birthday or phone number is not a password).
    static func checkPassword(_ password: String?) -> FieldError? {
        guard let p = password, p.count >= 8 else { return FieldError("password", "密码至少8位") }
        if p.count > 128 { return FieldError("password", "密码不能超过128位") }
        if p.allSatisfy(\.isNumber) { return FieldError("password", "密码不能全是数字，请加入字母或符号") }
        return nil
    }

    static func codeHash(_ code: String, member: UUID, cipher: FieldCipher) -> String {
        cipher.hash("activation:\(member.uuidString):\(code)")
    }

    /// A new one-time code for a member (the caller has checked scope); only its hash is stored.
    static func issueCode(for member: Member, by username: String, cipher: FieldCipher, on db: Database) async throws
        -> (code: String, expiresAt: Date)
    {
        // 31 symbols: rejection sampling keeps every symbol equally likely (8 symbols ≈ 40 bits).
        var symbols: [Character] = []
        while symbols.count < 8 {
            for byte in [UInt8].random(count: 16) where Int(byte) < 248 && symbols.count < 8 {
                symbols.append(codeAlphabet[Int(byte) % codeAlphabet.count])
            }
        }
        let code = String(symbols)
        let row = ActivationCode()
        row.memberID = member.id!
        row.codeHash = codeHash(code, member: member.id!, cipher: cipher)
        row.issuedBy = username
        row.expiresAt = AppClock.now.addingTimeInterval(TimeInterval(codeDays * 86_400))
        // A new code replaces any earlier one that was not used.
        try await db.transaction { tx in
            try await ActivationCode.query(on: tx).filter(\.$memberID == member.id!).filter(\.$usedAt == nil).delete()
            try await row.create(on: tx)
        }
        return (String(code.prefix(4)) + "-" + String(code.suffix(4)), row.expiresAt)
    }

    struct Activation {
        var idNumber: String?
        var code: String?
        /// Read and ignored: a receipt no longer activates (answered like a wrong code).
        var receipt: String?
        var password: String?
    }

    /// Throttles by client and ID number before any work.
    static func throttle(_ req: Request, id: String?) async throws {
        let key = id.map { req.application.cipher.hash($0).prefix(16) } ?? "none"
        // Counted in the database, so the budget holds across nodes.
        if let wait = try await Throttle.first(
            [
                ("member-client:\(req.clientAddress)", req.settings.signInsPerClientPerMinute),
                ("member:\(key)", req.settings.signInsPerUserPerMinute),
            ], window: 60, on: req.db)
        {
            throw AppError.rateLimited(retryAfter: wait)
        }
    }

    /// Activates (or, with a fresh code from the branch, resets) a member's account.
    static func activate(_ input: Activation, req: Request) async throws -> MemberAccount {
        let id = normalizedID(input.idNumber)
        try await throttle(req, id: id)
        if let e = checkPassword(input.password) { throw AppError.invalid([e]) }
        let cipher = req.application.cipher
        let pool = req.application.threadPool
        let hash = try await AuthService.hash(input.password ?? "", cost: req.settings.passwordCost, on: pool)
        let failure = AppError.invalid([FieldError("code", activationFailed)])
        guard let id,
            let member = try await Member.query(on: req.db).filter(\.$idNumberHash == cipher.hash(id)).first(),
            let memberID = member.id
        else {
            try await audit(req, ref: nil, "党员账号激活失败：身份证号不在名册")
            throw failure
        }
        let existing = try await MemberAccount.query(on: req.db).filter(\.$memberID == memberID).first()
        var via = ""
        var usedCode: ActivationCode?
        let code = normalizedCode(input.code)
        if !code.isEmpty {
            usedCode = try await ActivationCode.query(on: req.db).filter(\.$memberID == memberID)
                .filter(\.$codeHash == codeHash(code, member: memberID, cipher: cipher)).filter(\.$usedAt == nil)
                .filter(\.$expiresAt > AppClock.now).first()
            via = "code"
        }
        // A receipt alone never activates (DESIGN §7): staff see receipts, so anyone on the staff side who could
        // complete a member's number could take over their phone account and act as them.
        guard usedCode != nil else {
            try await audit(req, ref: memberID.uuidString, "党员账号激活失败：激活码不正确或已失效")
            throw failure
        }
        let account = existing ?? MemberAccount()
        let method = via
        let claim = usedCode
        try await req.db.transaction { tx in
            if let claim {
                // Used once: of two concurrent uses, the second finds it taken and fails.
                let claimed = try await tx.sql().raw(
                    "UPDATE activation_codes SET used_at = \(bind: AppClock.now) WHERE id = \(bind: claim.id!) AND used_at IS NULL RETURNING id"
                ).all()
                guard !claimed.isEmpty else { throw AppError.invalid([FieldError("code", activationFailed)]) }
            }
            account.memberID = memberID
            account.passwordHash = hash
            account.failedCount = 0
            account.lockedUntil = nil
            account.activatedVia = method
            account.passwordChangedAt = AppClock.now
            if account.id == nil { try await account.create(on: tx) } else { try await account.update(on: tx) }
            try await MemberToken.query(on: tx).filter(\.$memberAccountID == account.id!).delete()
            try await MemberEvent.record(
                memberID, kind: .updated,
                summary: existing == nil
                    ? "本人激活手机端账号（\(method == "code" ? "党组织发放的激活码" : method)）" : "本人以新激活码重设手机端密码",
                by: "党员本人", on: tx)
        }
        try await audit(
            req, ref: memberID.uuidString, existing == nil ? "党员本人激活手机端账号" : "党员本人以激活码重设密码",
            success: true)
        return account
    }

    static func audit(_ req: Request, ref: String?, _ summary: String, success: Bool = false) async throws {
        try await Audit.record(
            success ? .update : .signInFailed, "member-account", ref: ref, summary: summary, user: nil,
            username: "member", client: req.clientAddress, on: req.db)
    }

    /// Sign-in with ID number and password: throttled, counted, locked after the same number of failures as staff.
    static func signIn(idNumber: String?, password: String?, req: Request, now: Date = AppClock.now) async throws
        -> MemberAccount
    {
        let id = normalizedID(idNumber)
        try await throttle(req, id: id)
        let cipher = req.application.cipher
        let pool = req.application.threadPool
        let failure = AppError.signInFailed([FieldError("password", signInFailed)])
        let member =
            try await id.asyncMap {
                try await Member.query(on: req.db).filter(\.$idNumberHash == cipher.hash($0)).first()
            } ?? nil
        let account =
            try await member.asyncMap {
                try await MemberAccount.query(on: req.db).filter(\.$memberID == $0.id!).first()
            } ?? nil
        let matches = try await AuthService.verify(
            password ?? "", hash: account?.passwordHash ?? AuthService.dummyHash(cost: req.settings.passwordCost),
            on: pool)
        guard let account, let accountID = account.id, account.disabledAt == nil else {
            try await audit(req, ref: nil, "党员登录失败：无此账号")
            throw failure
        }
        // Failures count per account and client together: knowing a member's ID number is not enough to lock the
        // member out (issue 25 item 6); the branch can lift a pause (`POST /members/{id}/sign-in-unlock`).
        let sql = try req.db.sql()
        let client = MemberSignInLocks.clientKey(req.clientAddress, cipher: cipher)
        if try await MemberSignInLocks.isLocked(account: accountID, client: client, now: now, on: sql) {
            try await audit(req, ref: account.memberID.uuidString, "党员登录失败：本设备/网络连续输错，登录暂停中")
            throw failure
        }
        guard matches else {
            let count = try await MemberSignInLocks.fail(
                account: accountID, client: client, attempts: req.settings.lockoutAttempts,
                minutes: req.settings.lockoutMinutes, now: now, on: sql)
            try await audit(req, ref: account.memberID.uuidString, "党员登录失败：密码错误（本设备/网络连续第\(count)次）")
            throw failure
        }
        try await MemberSignInLocks.succeed(account: accountID, client: client, on: sql)
        try await sql.update("member_accounts").set("failed_count", to: 0).set("locked_until", to: SQLLiteral.null)
            .set("last_sign_in_at", to: now).where("id", .equal, accountID).run()
        try await Audit.record(
            .signIn, "member-account", ref: account.memberID.uuidString, summary: "党员本人登录", user: nil,
            username: "member", client: req.clientAddress, on: req.db)
        // Signing in is a sign of life (失联核查).
        try await LostContactActions.signOfLife(account.memberID, what: "登录手机端", on: req.db)
        return account
    }

    static func newToken(for account: MemberAccount, hours: Int, on db: Database) async throws -> (String, Date) {
        let raw = BearerToken.make()
        let token = MemberToken()
        token.tokenHash = BearerToken.hash(raw)
        token.memberAccountID = account.id!
        token.expiresAt = AppClock.now.addingTimeInterval(TimeInterval(hours * 3600))
        try await token.create(on: db)
        return (raw, token.expiresAt)
    }
}

extension MemberAuthService {
    /// Every app token of the member's account ends (the password changed).
    static func revokeTokens(of account: UUID, on db: Database) async throws {
        try await MemberToken.query(on: db).filter(\.$memberAccountID == account).delete()
    }
}
