import Crypto
import Foundation

/// Encrypts sensitive fields at rest (AES-GCM) and computes keyed hashes (HMAC-SHA256) for exact lookup.
/// Both keys derive from one 32-byte master key, so rotating the master key rotates both.
public struct FieldCipher: @unchecked Sendable {  // SymmetricKey is immutable
    private let encryptionKey: SymmetricKey
    private let hashKey: SymmetricKey
    private let digestKey: SymmetricKey
    private let fileKey: SymmetricKey

    public enum Problem: Error, CustomStringConvertible {
        case badKey, badCiphertext
        public var description: String {
            switch self {
            case .badKey: return "LIUDONG_DATA_KEY must be 32 bytes, written as 64 hex digits or base64"
            case .badCiphertext: return "an encrypted field could not be decrypted with the configured data key"
            }
        }
    }

    public init(masterKey: Data) throws {
        guard masterKey.count == 32 else { throw Problem.badKey }
        let master = SymmetricKey(data: masterKey)
        encryptionKey = HKDF<SHA256>.deriveKey(
            inputKeyMaterial: master, info: Data("liudong field encryption v1".utf8), outputByteCount: 32)
        hashKey = HKDF<SHA256>.deriveKey(
            inputKeyMaterial: master, info: Data("liudong field hash v1".utf8), outputByteCount: 32)
        digestKey = HKDF<SHA256>.deriveKey(
            inputKeyMaterial: master, info: Data("liudong record digest v1".utf8), outputByteCount: 32)
        fileKey = HKDF<SHA256>.deriveKey(
            inputKeyMaterial: master, info: Data("liudong file chunk v1".utf8), outputByteCount: 32)
    }

    /// One chunk of a stored file, sealed (nonce ‖ ciphertext ‖ tag) and bound to `context` — the file and the
    /// chunk's place in it — so chunks cannot be swapped, reordered or moved to another file unnoticed.
    public func sealChunk(_ plaintext: Data, context: String) throws -> Data {
        guard let combined = try AES.GCM.seal(plaintext, using: fileKey, authenticating: Data(context.utf8)).combined
        else { throw Problem.badCiphertext }
        return combined
    }

    /// The plaintext of a chunk sealed with `context`; throws when the key, the context or a byte differs.
    public func openChunk(_ sealed: Data, context: String) throws -> Data {
        guard let box = try? AES.GCM.SealedBox(combined: sealed),
            let plain = try? AES.GCM.open(box, using: fileKey, authenticating: Data(context.utf8))
        else { throw Problem.badCiphertext }
        return plain
    }

    /// Parses a key written as 64 hex digits or base64 of 32 bytes.
    public static func parseKey(_ text: String) throws -> Data {
        let t = text.trimmingCharacters(in: .whitespacesAndNewlines)
        if t.count == 64, let d = Data(hex: t) { return d }
        if let d = Data(base64Encoded: t), d.count == 32 { return d }
        throw Problem.badKey
    }

    public static func newKey() -> Data {
        SymmetricKey(size: .bits256).withUnsafeBytes { Data($0) }
    }

    /// nonce ‖ ciphertext ‖ tag, base64.
    public func seal(_ plaintext: String) throws -> String {
        let box = try AES.GCM.seal(Data(plaintext.utf8), using: encryptionKey)
        return box.combined!.base64EncodedString()
    }

    public func open(_ sealed: String) throws -> String {
        guard let data = Data(base64Encoded: sealed),
            let box = try? AES.GCM.SealedBox(combined: data),
            let plain = try? AES.GCM.open(box, using: encryptionKey),
            let s = String(data: plain, encoding: .utf8)
        else { throw Problem.badCiphertext }
        return s
    }

    /// Keyed hash (hex) of a normalized value, for unique indexes and exact search.
    public func hash(_ value: String) -> String {
        let mac = HMAC<SHA256>.authenticationCode(for: Data(value.utf8), using: hashKey)
        return Hex.encode(mac)
    }

    /// Keyed digest of a record's fields (HMAC-SHA256 under its own derived key, hex), for "same content?" checks:
    /// a self-report's duplicate key, a national row's change fingerprint. Such digests cover fields that include a
    /// phone or an ID number beside the others stored in clear, so an unkeyed digest would let a dump confirm a
    /// guessed number; this one cannot be recomputed without the data key. `domain` keeps two uses apart.
    public func digest(_ domain: String, _ fields: [String]) -> String {
        // One buffer, one MAC: this runs once per row of a million-row import.
        var bytes: [UInt8] = []
        bytes.reserveCapacity(fields.reduce(domain.utf8.count) { $0 + $1.utf8.count + 1 })
        bytes.append(contentsOf: domain.utf8)
        for f in fields {
            bytes.append(0x1F)
            bytes.append(contentsOf: f.utf8)
        }
        return Hex.encode(HMAC<SHA256>.authenticationCode(for: bytes, using: digestKey))
    }

    /// Keyed hash of the last four characters of an ID number (or of a four-character tail typed in a search),
    /// in its own domain so it never equals a hash of anything else. The only form of the tail stored.
    public func tailHash(_ idOrTail: String) -> String {
        hash("id-tail:" + idOrTail.suffix(4).uppercased())
    }
}

extension Data {
    init?(hex: String) {
        var bytes: [UInt8] = []
        var it = hex.makeIterator()
        while let a = it.next() {
            guard let b = it.next(), let v = UInt8(String([a, b]), radix: 16) else { return nil }
            bytes.append(v)
        }
        self.init(bytes)
    }
}
