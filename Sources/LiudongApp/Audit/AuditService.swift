import Fluent
import LiudongCore
import Vapor

/// Writes the audit log. Every feature records through here.
enum Audit {
    static func record(
        _ action: AuditAction, _ objectType: String, ref: String? = nil, summary: String,
        user: CurrentUser?, username: String? = nil, client: String, on db: Database
    ) async throws {
        let e = AuditEntry()
        e.at = AppClock.now
        e.accountID = user?.accountID
        e.username = user?.username ?? username ?? "-"
        e.action = action.rawValue
        e.objectType = objectType
        e.objectRef = ref
        e.summary = summary
        e.clientAddress = client
        e.scopePath = user?.scopePath
        try await e.create(on: db)
    }
}

extension Request {
    /// The client address: the first X-Forwarded-For hop when behind a trusted proxy (LIUDONG_TRUST_PROXY), else the peer.
    var clientAddress: String {
        if application.settings.trustProxy,
            let fwd = headers.first(name: "X-Forwarded-For")?.split(separator: ",").first
        {
            return fwd.trimmingCharacters(in: .whitespaces)
        }
        return remoteAddress?.ipAddress ?? "-"
    }

    func audit(
        _ action: AuditAction, _ objectType: String, ref: String? = nil, summary: String, username: String? = nil
    ) async throws {
        try await Audit.record(
            action, objectType, ref: ref, summary: summary, user: auth.get(CurrentUser.self),
            username: username, client: clientAddress, on: db)
    }
}
