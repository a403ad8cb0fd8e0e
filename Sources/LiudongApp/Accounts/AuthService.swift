import Fluent
import LiudongCore
import NIOConcurrencyHelpers
import NIOPosix
import SQLKit
import Vapor

/// Password sign-in with lockout, shared by the page and the API.
enum AuthService {
    /// Verified against when the username is unknown, so both paths cost one bcrypt of the app's cost (made once
    /// per cost).
    static func dummyHash(cost: Int) -> String {
        dummies.withLockedValue { made in
            if let hash = made[cost] { return hash }
            let hash = (try? Bcrypt.hash("liudong-no-such-account", cost: cost)) ?? ""
            made[cost] = hash
            return hash
        }
    }
    private static let dummies = NIOLockedValueBox<[Int: String]>([:])
    static let wrongPassword = "用户名或密码不正确"

    /// Sign-in from a request: throttled per client address and per username before any bcrypt runs, and bcrypt
    /// itself runs on the thread pool, so a flood of guesses neither starves the event loops nor gets unlimited tries.
    static func signIn(username rawName: String, password: String, req: Request) async throws -> Account {
        let username = rawName.trimmingCharacters(in: .whitespaces).lowercased()
        let settings = req.settings
        // Counted in the database: every node behind the load balancer draws on the same budget.
        if let wait = try await Throttle.first(
            [
                ("client:\(req.clientAddress)", settings.signInsPerClientPerMinute),
                ("user:\(username.prefix(64))", settings.signInsPerUserPerMinute),
            ], window: 60, on: req.db)
        {
            throw AppError.rateLimited(retryAfter: wait)
        }
        return try await signIn(
            username: username, password: password, settings: settings, client: req.clientAddress,
            threadPool: req.application.threadPool, on: req.db)
    }

    static func signIn(
        username rawName: String, password: String, settings: Settings, client: String,
        threadPool: NIOThreadPool? = nil, on db: Database, now: Date = AppClock.now
    ) async throws -> Account {
        let username = rawName.trimmingCharacters(in: .whitespaces).lowercased()
        guard !username.isEmpty, !password.isEmpty else {
            throw AppError.invalid([FieldError("username", "请输入用户名和密码")])
        }
        guard let account = try await Account.query(on: db).filter(\.$username == username).first() else {
            // Same work and message as a wrong password, so usernames cannot be probed.
            _ = try await verify(password, hash: dummyHash(cost: settings.passwordCost), on: threadPool)
            try await Audit.record(
                .signInFailed, "account", ref: username, summary: "登录失败：用户名不存在", user: nil,
                username: username, client: client, on: db)
            throw AppError.invalid([FieldError("password", wrongPassword)])
        }
        // A locked account answers exactly as a wrong password does (same bcrypt, same message): an answer of its
        // own would tell a stranger that the username exists and is enabled. The audit log says it was locked.
        if let until = account.lockedUntil, until > now {
            _ = try await verify(password, hash: dummyHash(cost: settings.passwordCost), on: threadPool)
            try await Audit.record(
                .signInFailed, "account", ref: username, summary: "登录失败：账号锁定中（至\(timeText(until))）", user: nil,
                username: username, client: client, on: db)
            throw AppError.invalid([FieldError("password", wrongPassword)])
        }
        let matches = try await verify(password, hash: account.passwordHash, on: threadPool)
        guard account.disabledAt == nil else {
            // The same message as a wrong password: a stranger learns nothing about the account.
            try await Audit.record(
                .signInFailed, "account", ref: username, summary: "登录失败：账号已停用", user: nil,
                username: username, client: client, on: db)
            throw AppError.invalid([FieldError("password", wrongPassword)])
        }
        guard matches, let id = account.id else {
            let (count, lockedUntil) = try await recordFailure(id: account.id, settings: settings, now: now, on: db)
            var summary = "登录失败：密码错误（连续第\(count)次）"
            if lockedUntil != nil { summary += "，账号锁定\(settings.lockoutMinutes)分钟" }
            try await Audit.record(
                .signInFailed, "account", ref: username, summary: summary, user: nil,
                username: username, client: client, on: db)
            throw AppError.invalid([FieldError("password", wrongPassword)])
        }
        let sql = try db.sql()
        try await sql.update("accounts").set("failed_count", to: 0).set("locked_until", to: SQLLiteral.null)
            .set("last_sign_in_at", to: now).where("id", .equal, id).run()
        account.failedCount = 0
        account.lockedUntil = nil
        account.lastSignInAt = now
        return account
    }

    /// Counts a failure in one statement (parallel guesses each count), and locks the account when the count
    /// reaches the limit. Returns the count and, when this failure locked it, until when.
    private static func recordFailure(id: UUID?, settings: Settings, now: Date, on db: Database) async throws -> (
        Int, Date?
    ) {
        guard let id else { return (0, nil) }
        let sql = try db.sql()
        let count =
            try await sql.raw(
                """
                UPDATE accounts SET failed_count = failed_count + 1 WHERE id = \(bind: id) RETURNING failed_count
                """
            ).first(decoding: FailedCountRow.self)?.failed_count ?? 0
        guard count >= settings.lockoutAttempts else { return (count, nil) }
        let until = now.addingTimeInterval(TimeInterval(settings.lockoutMinutes * 60))
        try await sql.update("accounts").set("locked_until", to: until).set("failed_count", to: 0)
            .where("id", .equal, id).where("failed_count", .greaterThanOrEqual, settings.lockoutAttempts).run()
        return (count, until)
    }

    /// bcrypt off the event loop when a thread pool is given.
    static func verify(_ password: String, hash: String, on pool: NIOThreadPool?) async throws -> Bool {
        guard let pool else { return (try? Bcrypt.verify(password, created: hash)) == true }
        return try await pool.runIfActive { (try? Bcrypt.verify(password, created: hash)) == true }
    }

    static func hash(_ password: String, cost: Int, on pool: NIOThreadPool) async throws -> String {
        try await pool.runIfActive { try Bcrypt.hash(password, cost: cost) }
    }

    static func timeText(_ date: Date) -> String {
        let f = DateFormatter()
        f.timeZone = CalendarDate.shanghai
        f.locale = Locale(identifier: "zh_CN")
        f.dateFormat = "HH:mm"
        return f.string(from: date)
    }

    /// bcrypt; the cost is lower in tests only to keep them quick.
    static func hash(_ password: String, cost: Int = 12) throws -> String {
        try Bcrypt.hash(password, cost: cost)
    }

    static func checkPassword(_ password: String) -> FieldError? {
        if password.count < 10 { return FieldError("password", "密码至少10位") }
        let kinds = [
            password.contains(where: \.isLetter), password.contains(where: \.isNumber),
            password.contains(where: { !$0.isLetter && !$0.isNumber }),
        ].filter { $0 }.count
        if kinds < 2 { return FieldError("password", "密码应包含字母、数字、符号中的至少两类") }
        return nil
    }
}

private struct FailedCountRow: Decodable { var failed_count: Int }

extension AuthService {
    /// Every API token of the account ends (disabled, password reset or changed).
    static func revokeTokens(of account: UUID, on db: Database) async throws {
        try await APIToken.query(on: db).filter(\.$accountID == account).delete()
    }

    /// One API token ends (sign-out).
    static func revokeToken(hash: String, on db: Database) async throws {
        try await APIToken.query(on: db).filter(\.$tokenHash == hash).delete()
    }

    /// A stored web session ends (a fresh id on sign-in prevents fixation).
    static func dropSession(_ key: SessionID, on db: Database) async throws {
        try await SessionRecord.query(on: db).filter(\.$key == key).delete()
    }
}
