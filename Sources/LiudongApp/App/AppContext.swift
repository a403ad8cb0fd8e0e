import LiudongCore
import Vapor

extension Application {
    private struct SettingsKey: StorageKey { typealias Value = Settings }
    private struct CipherKey: StorageKey { typealias Value = FieldCipher }

    /// Parsed settings; set once by `configure`.
    var settings: Settings {
        get {
            guard let s = storage[SettingsKey.self] else { fatalError("configure(_:settings:) has not run") }
            return s
        }
        set { storage[SettingsKey.self] = newValue }
    }

    /// The field cipher built from the data key.
    var cipher: FieldCipher {
        get {
            guard let c = storage[CipherKey.self] else { fatalError("configure(_:settings:) has not run") }
            return c
        }
        set { storage[CipherKey.self] = newValue }
    }
}

extension Application {
    /// A per-node service `configure` made. They are made there, once, and never lazily on first use, where two
    /// concurrent first requests could each make their own (two write gates, two rate limiters).
    /// Whether `key`'s service exists yet (without making or trapping).
    func has<Key: StorageKey>(_ key: Key.Type) -> Bool { storage[key] != nil }

    func made<Key: StorageKey>(_ key: Key.Type) -> Key.Value {
        guard let value = storage[key] else { fatalError("\(Key.self): configure(_:settings:) has not run") }
        return value
    }

    /// Every per-node service exists (true once `configure` ran; nothing is left to be made on first use).
    var nodeServicesMade: Bool {
        has(WriteGateKey.self) && has(RateLimiterKey.self) && has(ImportWorkerKey.self) && has(FileStoreKey.self)
            && has(OrgDirectoryKey.self) && has(ReportWriterKey.self) && has(SMSPaceKey.self)
    }

    /// Makes every per-node service; `configure` calls it before any route exists.
    func makeNodeServices() {
        writeGate = WriteGate()
        rateLimiter = RateLimiter()
        importWorker = ImportWorker()
        files = FileStore(kind: settings.fileStore, cipher: cipher, pool: threadPool)
        orgDirectory = OrgDirectory()
        reportWriter = ReportWriter(gate: writeGate, database: { [unowned self] in self.db })
        smsPace = SMSPace(perSecond: settings.notify.perSecond)
    }
}

extension Request {
    var settings: Settings { application.settings }
    var cipher: FieldCipher { application.cipher }
}
