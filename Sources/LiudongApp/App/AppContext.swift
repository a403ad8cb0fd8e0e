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

extension Request {
    var settings: Settings { application.settings }
    var cipher: FieldCipher { application.cipher }
}
