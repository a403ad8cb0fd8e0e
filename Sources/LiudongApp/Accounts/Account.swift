import Fluent
import LiudongCore
import Vapor

/// A person who signs in; scoped to one organization's subtree.
final class Account: Model, @unchecked Sendable {
    static let schema = "accounts"

    @ID(key: .id) var id: UUID?
    @Field(key: "username") var username: String
    @Field(key: "display_name") var displayName: String
    @Field(key: "password_hash") var passwordHash: String
    @Enum(key: "role") var role: Role
    @Field(key: "organization_id") var organizationID: Int
    @Field(key: "failed_count") var failedCount: Int
    @OptionalField(key: "locked_until") var lockedUntil: Date?
    @OptionalField(key: "last_sign_in_at") var lastSignInAt: Date?
    @OptionalField(key: "disabled_at") var disabledAt: Date?
    @OptionalField(key: "password_changed_at") var passwordChangedAt: Date?
    /// When the account last changed something (stamped by `UserAuthenticator.acted`).
    @OptionalField(key: "acted_at") var actedAt: Date?
    /// Notices up to this id have been read (added by CreateNotices).
    @Field(key: "notices_read_through") var noticesReadThrough: Int
    @Timestamp(key: "created_at", on: .create, format: .clock) var createdAt: Date?
    @Timestamp(key: "updated_at", on: .update, format: .clock) var updatedAt: Date?

    init() {}

    init(username: String, displayName: String, passwordHash: String, role: Role, organizationID: Int) {
        self.username = username
        self.displayName = displayName
        self.passwordHash = passwordHash
        self.role = role
        self.organizationID = organizationID
        self.failedCount = 0
        self.noticesReadThrough = 0
    }
}

/// A bearer token for API clients; only its SHA-256 is stored.
final class APIToken: Model, @unchecked Sendable {
    static let schema = "api_tokens"

    @ID(key: .id) var id: UUID?
    @Field(key: "token_hash") var tokenHash: String
    @Field(key: "account_id") var accountID: UUID
    @Field(key: "expires_at") var expiresAt: Date
    @Timestamp(key: "created_at", on: .create, format: .clock) var createdAt: Date?

    init() {}
}
