import Fluent
import Foundation
import LiudongCore
import SQLKit
import Vapor

/// The store behind the upload quotas (`upload_ledger`) and the one way a private upload is kept: every check first,
/// then the file, then the row that refers to it — and the file removed again if anything after it fails.
enum UploadLedger {
    enum Kind: String {
        /// Members' photos: diary entries and point claims together.
        case memberPhoto = "member-photo"
        /// Staff attachments: organizational-life attachments and agreement scans.
        case attachment
    }

    static func owner(member: UUID) -> String { "member:" + member.uuidString }
    static func owner(account: CurrentUser) -> String { "account:" + account.username }

    static func quota(_ kind: Kind, _ settings: Settings) -> UploadQuota {
        switch kind {
        case .memberPhoto:
            return UploadQuota(
                perDay: settings.memberPhotosPerDay, megabytesPerMonth: settings.memberPhotoMBPerMonth, noun: "照片")
        case .attachment:
            return UploadQuota(
                perDay: settings.attachmentsPerDay, megabytesPerMonth: settings.attachmentMBPerMonth, noun: "附件")
        }
    }

    /// The refusal for one more file of `bytes`, or nil.
    static func refusal(owner: String, kind: Kind, bytes: Int, settings: Settings, now: Date, on db: Database)
        async throws -> String?
    {
        let (day, month) = UploadQuota.periods(now: now)
        let sql = try db.sql()
        let row = try await sql.raw(
            """
            SELECT count(CASE WHEN at >= \(bind: day) THEN 1 END) AS files, CAST(coalesce(sum(bytes), 0) AS BIGINT) AS bytes
            FROM upload_ledger WHERE owner = \(bind: owner) AND kind = \(bind: kind.rawValue) AND at >= \(bind: month)
            """
        ).first(decoding: UsageRow.self)
        return quota(kind, settings).refusal(
            filesToday: row?.files ?? 0, bytesThisMonth: Int(clamping: row?.bytes ?? 0), adding: bytes)
    }

    static func record(owner: String, kind: Kind, bytes: Int, now: Date, on db: Database) async throws {
        try await db.sql().insert(into: "upload_ledger").columns("owner", "kind", "bytes", "at")
            .values([owner, kind.rawValue, Int64(bytes), now] as [any Encodable & Sendable]).run()
    }

    /// Stores the private file (in the store every node reads), then runs `save` (the row that refers to it, and the
    /// ledger line). A copy that no row refers to — `save` threw — is removed by the daily sweep a day later; it is
    /// not removed here, because equal content stored before is the same copy and may be referred to already.
    static func keep<T>(_ bytes: Data, _ app: Application, save: () async throws -> T) async throws -> T {
        _ = try await app.files.put(bytes, on: app.db)
        return try await save()
    }
}

private struct UsageRow: Decodable {
    var files: Int
    var bytes: Int64?
}
