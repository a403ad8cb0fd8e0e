import Fluent
import LiudongCore
import Vapor

/// Password sign-in with lockout, shared by the page and the API.
enum AuthService {
    /// Verified against when the username is unknown, so both paths cost one bcrypt.
    static let dummyHash = (try? Bcrypt.hash("liudong-no-such-account", cost: 12)) ?? ""

    static func signIn(username rawName: String, password: String, settings: Settings, client: String,
                       on db: Database, now: Date = Date()) async throws -> Account {
        let username = rawName.trimmingCharacters(in: .whitespaces).lowercased()
        guard !username.isEmpty, !password.isEmpty else {
            throw AppError.invalid([FieldError("username", "请输入用户名和密码")])
        }
        guard let account = try await Account.query(on: db).filter(\.$username == username).first() else {
            // Same work and message as a wrong password, so usernames cannot be probed.
            _ = try? Bcrypt.verify(password, created: dummyHash)
            try await Audit.record(.signInFailed, "account", ref: username, summary: "登录失败：用户名不存在", user: nil,
                                   username: username, client: client, on: db)
            throw AppError.invalid([FieldError("password", "用户名或密码不正确")])
        }
        if let until = account.lockedUntil, until > now {
            try await Audit.record(.signInFailed, "account", ref: username, summary: "登录失败：账号锁定中", user: nil,
                                   username: username, client: client, on: db)
            throw AppError.locked(until: timeText(until))
        }
        guard account.disabledAt == nil else {
            try await Audit.record(.signInFailed, "account", ref: username, summary: "登录失败：账号已停用", user: nil,
                                   username: username, client: client, on: db)
            throw AppError.invalid([FieldError("password", "该账号已停用，请联系管理员")])
        }
        guard (try? Bcrypt.verify(password, created: account.passwordHash)) == true else {
            account.failedCount += 1
            var summary = "登录失败：密码错误（连续第\(account.failedCount)次）"
            if account.failedCount >= settings.lockoutAttempts {
                account.lockedUntil = now.addingTimeInterval(TimeInterval(settings.lockoutMinutes * 60))
                account.failedCount = 0
                summary += "，账号锁定\(settings.lockoutMinutes)分钟"
            }
            try await account.update(on: db)
            try await Audit.record(.signInFailed, "account", ref: username, summary: summary, user: nil,
                                   username: username, client: client, on: db)
            if let until = account.lockedUntil, until > now { throw AppError.locked(until: timeText(until)) }
            throw AppError.invalid([FieldError("password", "用户名或密码不正确")])
        }
        account.failedCount = 0
        account.lockedUntil = nil
        account.lastSignInAt = now
        try await account.update(on: db)
        return account
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
        let kinds = [password.contains(where: \.isLetter), password.contains(where: \.isNumber),
                     password.contains(where: { !$0.isLetter && !$0.isNumber })].filter { $0 }.count
        if kinds < 2 { return FieldError("password", "密码应包含字母、数字、符号中的至少两类") }
        return nil
    }
}
