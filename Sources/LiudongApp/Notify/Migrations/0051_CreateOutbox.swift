import Fluent
import SQLKit

/// The notification outbox: one row per message (to a member, or to an organization's secretary), with what it says
/// as event and parameters — never a phone or an ID number (the sender decrypts the roster phone when it sends; a
/// secret parameter such as an activation code is sealed). `day` is the Beijing day it was made, for the staff view.
/// `notify_recipients` holds each recipient's switches and is the row a sender locks while it decides for them.
struct CreateOutbox: AsyncMigration {
    func prepare(on database: Database) async throws {
        try await database.schema("notifications")
            .field("id", .int64, .identifier(auto: true))
            .field("recipient", .string, .required)
            .field("member_id", .uuid)
            .field("org_id", .int, .required)
            .field("org_path", .string, .required)
            .field("category", .string, .required)
            .field("event", .string, .required)
            .field("params", .string, .required)
            .field("sealed", .string)
            .field("link", .string)
            .field("dedupe", .string, .required)
            .field("day", .string, .required)
            .field("created_at", .datetime, .required)
            .field("due_after", .datetime, .required)
            .field("status", .string, .required)
            .field("held", .string)
            .field("digest_id", .int64)
            .field("sent_at", .datetime)
            .field("delivered_at", .datetime)
            .field("read_at", .datetime)
            .field("provider", .string)
            .field("provider_id", .string)
            .field("attempts", .int, .required, .sql(.default(0)))
            .field("last_error", .string)
            .field("claimed_until", .datetime)
            .create()
        try await database.schema("notify_recipients")
            .field("recipient", .string, .identifier(auto: false))
            .field("muted", .string, .required, .sql(.default("")))
            .field("updated_at", .datetime)
            .create()
        guard let sql = database as? SQLDatabase else { return }
        // The sender's claim: queued and due, oldest first.
        try await sql.create(index: "notifications_due").on("notifications").column("status").column("due_after")
            .run()
        // A recipient's inbox (newest first) and the week's count.
        try await sql.create(index: "notifications_recipient").on("notifications").column("recipient").column("id")
            .run()
        try await sql.create(index: "notifications_dedupe").on("notifications").column("dedupe").run()
        // Per organization and day: the staff view and the branch's group list.
        try await sql.create(index: "notifications_org_day").on("notifications").column("org_path").column("day")
            .run()
        try await sql.create(index: "notifications_provider_id").on("notifications").column("provider_id").run()
    }

    func revert(on database: Database) async throws {
        try await database.schema("notify_recipients").delete()
        try await database.schema("notifications").delete()
    }
}
