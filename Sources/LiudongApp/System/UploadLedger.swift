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

    /// Writes the private file, then runs `save` (the row that refers to it, and the ledger line); if `save` throws,
    /// the file is removed before the error goes on.
    static func keep<T>(
        _ bytes: Data, _ app: Application, _ sub: String, name: String, save: () async throws -> T
    ) async throws -> T {
        let path = try PrivateFiles.write(bytes, app, sub, name: name)
        do {
            return try await save()
        } catch {
            try? FileManager.default.removeItem(atPath: path)
            throw error
        }
    }

    /// Removes files of `sub` older than a day whose name no row refers to (`referenced` holds the names kept).
    /// Returns how many were removed.
    static func sweepOrphans(
        _ app: Application, _ sub: String, referenced: Set<String>, now: Date = AppClock.system
    ) -> Int {
        guard let dir = try? PrivateFiles.directory(app, sub) else { return 0 }
        var removed = 0
        for name in (try? FileManager.default.contentsOfDirectory(atPath: dir)) ?? [] where !referenced.contains(name) {
            let file = dir + "/" + name
            if let modified = (try? FileManager.default.attributesOfItem(atPath: file))?[.modificationDate] as? Date,
                now.timeIntervalSince(modified) > 86_400
            {
                if (try? FileManager.default.removeItem(atPath: file)) != nil { removed += 1 }
            }
        }
        return removed
    }

    /// The file names rows of `table` refer to: `<id>.<extension of typeColumn>`.
    static func referencedNames(table: String, typeColumn: String, on db: Database) async throws -> Set<String> {
        let rows = try await db.sql().raw(
            "SELECT id, \(ident: typeColumn) AS kind FROM \(ident: table) WHERE \(ident: typeColumn) IS NOT NULL"
        ).all(decoding: FileRow.self)
        return Set(
            rows.compactMap { r in
                r.kind.flatMap(ScanKind.init(rawValue:)).map { "\(r.id.uuidString).\($0.fileExtension)" }
            })
    }

    /// Sweeps `sub` against the files `table` refers to; a line for the sweep's report when any was removed.
    static func sweepOrphans(_ app: Application, _ sub: String, table: String, typeColumn: String) async throws
        -> [String]
    {
        let kept = try await referencedNames(table: table, typeColumn: typeColumn, on: app.db)
        let n = sweepOrphans(app, sub, referenced: kept)
        return n > 0 ? ["私有文件：删除\(sub)目录中无记录引用的文件\(n)个"] : []
    }
}

private struct UsageRow: Decodable {
    var files: Int
    var bytes: Int64?
}

private struct FileRow: Decodable {
    var id: UUID
    var kind: String?
}
