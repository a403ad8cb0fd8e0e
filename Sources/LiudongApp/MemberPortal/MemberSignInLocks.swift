import Fluent
import Foundation
import LiudongCore
import SQLKit

/// The store of failed member sign-ins, per account and client (issue 25 item 6). Every node reads the same rows.
enum MemberSignInLocks {
    /// The client as stored: a keyed hash of its address (addresses are personal data too).
    static func clientKey(_ address: String, cipher: FieldCipher) -> String {
        String(cipher.hash("sign-in-client:" + address).prefix(32))
    }

    /// Whether this client is paused from signing in to this account.
    static func isLocked(account: UUID, client: String, now: Date, on sql: SQLDatabase) async throws -> Bool {
        let row = try await sql.select().column("locked_until").from("member_sign_in_failures")
            .where("member_account_id", .equal, account).where("client_key", .equal, client)
            .first(decoding: LockRow.self)
        return (row?.lockedUntil).map { $0 > now } ?? false
    }

    /// Counts one failure from this client; at `attempts` the client is paused for `minutes` and the count restarts.
    /// Returns the count reached.
    @discardableResult
    static func fail(account: UUID, client: String, attempts: Int, minutes: Int, now: Date, on sql: SQLDatabase)
        async throws -> Int
    {
        let row = try await sql.raw(
            """
            INSERT INTO member_sign_in_failures (member_account_id, client_key, failed_count, updated_at)
            VALUES (\(bind: account), \(bind: client), 1, \(bind: now))
            ON CONFLICT (member_account_id, client_key)
            DO UPDATE SET failed_count = member_sign_in_failures.failed_count + 1, updated_at = excluded.updated_at
            RETURNING failed_count
            """
        ).first(decoding: FailedCountRow.self)
        let count = row?.failedCount ?? 1
        if count >= attempts {
            try await sql.update("member_sign_in_failures")
                .set("locked_until", to: now.addingTimeInterval(TimeInterval(minutes * 60))).set("failed_count", to: 0)
                .where("member_account_id", .equal, account).where("client_key", .equal, client).run()
        }
        return count
    }

    /// A successful sign-in from this client clears its count.
    static func succeed(account: UUID, client: String, on sql: SQLDatabase) async throws {
        try await sql.delete(from: "member_sign_in_failures").where("member_account_id", .equal, account)
            .where("client_key", .equal, client).run()
    }

    /// How many clients are paused now for the member's account (0 without an account).
    static func paused(member: UUID, now: Date, on sql: SQLDatabase) async throws -> Int {
        return try await sql.raw(
            """
            SELECT count(*) AS n FROM member_sign_in_failures f JOIN member_accounts a ON a.id = f.member_account_id
            WHERE a.member_id = \(bind: member) AND f.locked_until > \(bind: now)
            """
        ).first(decoding: CountRow.self)?.n ?? 0
    }

    /// The branch lifts every pause and count on the member's account; returns how many clients were paused.
    static func unlock(member: UUID, now: Date, on sql: SQLDatabase) async throws -> Int {
        let n = try await paused(member: member, now: now, on: sql)
        try await sql.raw(
            """
            DELETE FROM member_sign_in_failures
            WHERE member_account_id IN (SELECT id FROM member_accounts WHERE member_id = \(bind: member))
            """
        ).run()
        return n
    }
}

private struct LockRow: Decodable {
    var lockedUntil: Date?
    enum CodingKeys: String, CodingKey { case lockedUntil = "locked_until" }
}

private struct FailedCountRow: Decodable {
    var failedCount: Int
    enum CodingKeys: String, CodingKey { case failedCount = "failed_count" }
}

private struct CountRow: Decodable { var n: Int }
