import Logging

/// Cuts every log message (and metadata value) to a readable length before the real handler writes it. A failed bulk
/// statement's error carries the whole statement — megabytes of placeholders on one line — which buried the reason
/// and filled disks; the start says what failed, and the length cut is said.
public struct TrimmedLogHandler: LogHandler {
    public static let limit = 4_000
    private var inner: any LogHandler

    public init(_ inner: any LogHandler) { self.inner = inner }

    public var logLevel: Logger.Level {
        get { inner.logLevel }
        set { inner.logLevel = newValue }
    }

    public var metadata: Logger.Metadata {
        get { inner.metadata }
        set { inner.metadata = newValue }
    }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { inner[metadataKey: key] }
        set { inner[metadataKey: key] = newValue }
    }

    /// `text` within `limit` characters, with how much was cut.
    public static func trim(_ text: String, limit: Int = TrimmedLogHandler.limit) -> String {
        guard text.utf8.count > limit else { return text }
        let total = text.count
        guard total > limit else { return text }
        return String(text.prefix(limit)) + "…（日志已截断：共 \(total) 个字符，只记前 \(limit) 个）"
    }

    public func log(event: LogEvent) {
        var e = event
        e.message = Logger.Message(stringLiteral: Self.trim(event.message.description))
        var metadata = event.metadata?.mapValues { value -> Logger.Metadata.Value in
            if case .string(let s) = value { return .string(Self.trim(s)) }
            return .string(Self.trim(value.description))
        }
        // An attached error is written by the handler in full: it goes in as trimmed text instead.
        if let error = event.error {
            metadata = metadata ?? [:]
            metadata?["error"] = .string(Self.trim(String(describing: error)))
            e.error = nil
        }
        e.metadata = metadata
        inner.log(event: e)
    }
}
