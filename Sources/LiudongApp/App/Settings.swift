import Foundation
import LiudongCore

/// Everything the service reads from its environment, parsed once; `configure` fails fast on bad values.
public struct Settings: Sendable {
    public enum Database: Sendable, Equatable {
        case sqlite(path: String)
        case postgres(url: String)
        public var name: String {
            if case .postgres = self { return "postgres" }
            return "sqlite"
        }
    }

    public var database: Database
    /// Where runtime data lives (SQLite file, generated data key).
    public var varDirectory: String
    /// The 32-byte master key for field encryption.
    public var dataKey: Data
    /// Public address used in links and QR codes.
    public var baseURL: String
    public var lockoutAttempts: Int
    public var lockoutMinutes: Int
    public var apiTokenHours: Int
    /// Take the client address from X-Forwarded-For (only behind a proxy that sets it, such as nginx).
    public var trustProxy: Bool = false
    /// Self-reports accepted per client address per minute (many phones share one carrier NAT address).
    public var reportsPerClientPerMinute: Int = 600
    /// Public page views and status checks (GET /r/…, GET /api/v1/self-reports/…) per client address per minute.
    public var publicViewsPerClientPerMinute: Int = 1200
    /// Self-reports accepted per ID number per hour.
    public var reportsPerIDPerHour: Int = 20
    /// Sign-in attempts (page and API) per client address per minute, and per username per minute.
    public var signInsPerClientPerMinute: Int = 30
    public var signInsPerUserPerMinute: Int = 10
    /// Rejected rows an upload keeps for its page and its .xlsx (the rest are counted).
    public var rejectedRowsKept: Int = 1000
    /// Days after leaving without an arrival report before a flow is flagged overdue.
    public var arrivalDueDays: Int = 30
    /// A transfer letter's validity (组织关系介绍信): days within the city, elsewhere, and the 3-month cap.
    public var transferValidity = TransferRules.Validity.standard
    /// Years within which 停止党籍 may be restored (恢复党籍).
    public var restoreYears: Int = ExitRules.restoreYears
    /// Days a self-report may wait for review before the worklist shows it as overdue.
    public var reviewDueDays: Int = 3
    /// Days without any contact before a member becomes a lost-contact candidate (six months).
    public var lostContactDays: Int = 183
    /// Mobile members one cadre may be paired with at once (结对帮带, 1:N kept honest).
    public var pairingCap: Int = Settings.defaultPairingCap
    public static let defaultPairingCap = 10
    /// Lookups by personal number (roster searches by ID number, tail or phone) per account per hour; 429 beyond.
    public var numberLookupsPerHour: Int = Settings.defaultNumberLookupsPerHour
    /// Members' photos (diary and point claims together): files a day and MB a month per member.
    /// Large uploads (beyond the 1 MB form limit) read at once on one node.
    public var uploadsInFlight = 4
    public var memberPhotosPerDay = 10
    public var memberPhotoMBPerMonth = 100
    /// Staff attachments (organizational life, agreement scans): files a day and MB a month per account.
    public var attachmentsPerDay = 100
    public var attachmentMBPerMonth = 1000
    public static let defaultNumberLookupsPerHour = 60
    /// SQLite page cache per connection, in MB (SQLite's own default is 2 MB; province-scale pages want more).
    public var sqliteCacheMB: Int = 64
    /// bcrypt's cost for new password hashes and for the hash an unknown username is checked against (so both
    /// paths cost the same). 12 for every served app; not read from the environment — only the tests' own apps set
    /// the lowest (4), where a third of the suite's time went to bcrypt.
    public var passwordCost: Int = 12
    /// `LIUDONG_TODAY`: the app's clock moved to another day (tests, demos, the date sweep); nil for the system clock.
    public var clock: AppClock.Setting?
    /// `LIUDONG_ALLOW_FIXED_CLOCK=1`: lets `LIUDONG_TODAY` stand in production mode (refused there otherwise).
    public var allowFixedClock: Bool = false
    /// `LIUDONG_FILE_STORE=db|dir`: private files in the database (the default; a cluster needs nothing else) or in
    /// the directory `LIUDONG_FILE_DIR` (default `var/files`: one node, or a mount every node shares).
    public var fileStore: FileStoreKind = .database
    /// Notifications: SMS provider, templates, quiet hours, weekly cap (`NotifySettings`).
    public var notify = NotifySettings()

    public init(
        database: Database, varDirectory: String, dataKey: Data, baseURL: String = "http://127.0.0.1:8080",
        lockoutAttempts: Int = 5, lockoutMinutes: Int = 15, apiTokenHours: Int = 12
    ) {
        self.database = database
        self.varDirectory = varDirectory
        self.dataKey = dataKey
        self.baseURL = baseURL
        self.lockoutAttempts = lockoutAttempts
        self.lockoutMinutes = lockoutMinutes
        self.apiTokenHours = apiTokenHours
    }

    public struct Problem: Error, CustomStringConvertible {
        public let description: String
    }

    /// Reads the process environment; names every bad setting at once.
    public static func fromEnvironment(_ env: [String: String] = ProcessInfo.processInfo.environment) throws -> Settings
    {
        var problems: [String] = []
        let varDir = env["LIUDONG_VAR_DIR"].flatMap { $0.isEmpty ? nil : $0 } ?? "var"
        let database: Database
        if let url = env["DATABASE_URL"], !url.isEmpty {
            guard url.hasPrefix("postgres://") || url.hasPrefix("postgresql://") else {
                throw Problem(description: "DATABASE_URL must be a postgres:// URL (got \(url.prefix(12))…)")
            }
            database = .postgres(url: url)
        } else {
            database = .sqlite(
                path: env["LIUDONG_SQLITE_PATH"].flatMap { $0.isEmpty ? nil : $0 } ?? "\(varDir)/liudong.sqlite")
        }
        func int(_ name: String, _ fallback: Int) -> Int {
            guard let raw = env[name], !raw.isEmpty else { return fallback }
            guard let v = Int(raw), v > 0 else {
                problems.append("\(name) must be a positive integer")
                return fallback
            }
            return v
        }
        let attempts = int("LIUDONG_LOCKOUT_ATTEMPTS", 5)
        let minutes = int("LIUDONG_LOCKOUT_MINUTES", 15)
        let tokenHours = int("LIUDONG_API_TOKEN_HOURS", 12)
        let perClient = int("LIUDONG_REPORTS_PER_CLIENT_PER_MINUTE", 600)
        let perID = int("LIUDONG_REPORTS_PER_ID_PER_HOUR", 20)
        let viewsPerClient = int("LIUDONG_PUBLIC_VIEWS_PER_CLIENT_PER_MINUTE", 1200)
        let dueDays = int("LIUDONG_ARRIVAL_DUE_DAYS", 30)
        let lostDays = int("LIUDONG_LOST_CONTACT_DAYS", 183)
        let transferCityDays = int("LIUDONG_TRANSFER_CITY_DAYS", 10)
        let transferElsewhereDays = int("LIUDONG_TRANSFER_ELSEWHERE_DAYS", 30)
        let restoreYears = int("LIUDONG_RESTORE_YEARS", ExitRules.restoreYears)
        let reviewDays = int("LIUDONG_REVIEW_DUE_DAYS", 3)
        let cacheMB = int("LIUDONG_SQLITE_CACHE_MB", 64)
        let signInsPerClient = int("LIUDONG_SIGNINS_PER_CLIENT_PER_MINUTE", 30)
        let signInsPerUser = int("LIUDONG_SIGNINS_PER_USER_PER_MINUTE", 10)
        let rejectedKept = int("LIUDONG_REJECTED_ROWS_KEPT", 1000)
        var key = Data()
        do {
            key = try DataKey.load(env: env["LIUDONG_DATA_KEY"], varDirectory: varDir)
        } catch {
            problems.append("\(error)")
        }
        var base = env["LIUDONG_BASE_URL"].flatMap { $0.isEmpty ? nil : $0 } ?? "http://127.0.0.1:8080"
        while base.hasSuffix("/") { base.removeLast() }
        if !(base.hasPrefix("http://") || base.hasPrefix("https://")) {
            problems.append("LIUDONG_BASE_URL must start with http:// or https://")
        }
        var clock: AppClock.Setting?
        if let raw = env["LIUDONG_TODAY"], !raw.isEmpty {
            switch AppClock.parse(raw) {
            case .success(let s): clock = s
            case .failure(let p): problems.append(p.description)
            }
        }
        let notify = NotifySettings.parse(env, problems: &problems)
        var fileStore = FileStoreKind.database
        switch (env["LIUDONG_FILE_STORE"] ?? "").lowercased() {
        case "", "db", "database": break
        case "dir", "directory":
            fileStore = .directory(env["LIUDONG_FILE_DIR"].flatMap { $0.isEmpty ? nil : $0 } ?? "\(varDir)/files")
        default: problems.append("LIUDONG_FILE_STORE must be db or dir")
        }
        if !problems.isEmpty {
            throw Problem(description: "configuration problems: " + problems.joined(separator: "; "))
        }
        var settings = Settings(
            database: database, varDirectory: varDir, dataKey: key, baseURL: base,
            lockoutAttempts: attempts, lockoutMinutes: minutes, apiTokenHours: tokenHours)
        settings.trustProxy = ["1", "true", "yes"].contains((env["LIUDONG_TRUST_PROXY"] ?? "").lowercased())
        settings.reportsPerClientPerMinute = perClient
        settings.reportsPerIDPerHour = perID
        settings.publicViewsPerClientPerMinute = viewsPerClient
        settings.arrivalDueDays = dueDays
        settings.lostContactDays = lostDays
        settings.transferValidity = TransferRules.Validity(
            cityDays: min(transferCityDays, 90), elsewhereDays: min(transferElsewhereDays, 90), capDays: 90)
        settings.restoreYears = min(restoreYears, 20)
        settings.reviewDueDays = max(1, reviewDays)
        settings.sqliteCacheMB = max(1, cacheMB)
        settings.signInsPerClientPerMinute = signInsPerClient
        settings.signInsPerUserPerMinute = signInsPerUser
        settings.rejectedRowsKept = rejectedKept
        settings.pairingCap = max(1, min(int("LIUDONG_PAIRING_CAP", 10), 1000))
        settings.clock = clock
        settings.numberLookupsPerHour = int("LIUDONG_NUMBER_LOOKUPS_PER_HOUR", Settings.defaultNumberLookupsPerHour)
        settings.uploadsInFlight = int("LIUDONG_UPLOADS_IN_FLIGHT", 4)
        settings.memberPhotosPerDay = int("LIUDONG_MEMBER_PHOTOS_PER_DAY", 10)
        settings.memberPhotoMBPerMonth = int("LIUDONG_MEMBER_PHOTO_MB_PER_MONTH", 100)
        settings.attachmentsPerDay = int("LIUDONG_ATTACHMENTS_PER_DAY", 100)
        settings.attachmentMBPerMonth = int("LIUDONG_ATTACHMENT_MB_PER_MONTH", 1000)
        settings.allowFixedClock = ["1", "true", "yes"].contains((env["LIUDONG_ALLOW_FIXED_CLOCK"] ?? "").lowercased())
        settings.notify = notify
        settings.fileStore = fileStore
        return settings
    }
}

/// The master data key: `LIUDONG_DATA_KEY`, else `var/data.key` (created once, mode 0600).
enum DataKey {
    static func load(env: String?, varDirectory: String) throws -> Data {
        if let env, !env.isEmpty { return try FieldCipher.parseKey(env) }
        let fm = FileManager.default
        let path = varDirectory + "/data.key"
        if let text = try? String(contentsOfFile: path, encoding: .utf8) {
            return try FieldCipher.parseKey(text)
        }
        try fm.createDirectory(atPath: varDirectory, withIntermediateDirectories: true)
        let key = FieldCipher.newKey()
        let hex = key.map { String(format: "%02x", $0) }.joined()
        guard fm.createFile(atPath: path, contents: Data((hex + "\n").utf8), attributes: [.posixPermissions: 0o600])
        else {
            throw Settings.Problem(description: "cannot create the data key file \(path)")
        }
        return key
    }
}
