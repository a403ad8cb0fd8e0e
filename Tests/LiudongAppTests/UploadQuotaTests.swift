import Fluent
import Foundation
import LiudongCore
import SQLKit
import Testing
import VaporTesting

@testable import LiudongApp

/// Uploads of photos and attachments: checks before writes, per-person quotas, orphans swept.
@Suite("Uploads: quotas and leftovers")
struct UploadQuotaTests {
    /// Issue 25 item 11: every check before a byte is written, a per-member photo quota, and files no row refers to
    /// swept after a day.
    @Test(arguments: TestDatabase.all)
    func aRefusedPhotoLeavesNoFileTheQuotaHoldsAndOrphansAreSwept(db: TestDatabase) async throws {
        try await withTestApp(db) { app in
            let f = try await Fixture.build(app)
            app.settings.memberPhotosPerDay = 2
            _ = try await OrgLifeTests.signedIn(app, f.memberA, idNumber: Fixture.idA)
            var me = Browser(app)
            _ = try await me.get("/my/login")
            _ = try await me.post("/my/login", form: ["idNumber": Fixture.idA, "password": Mobile.memberPassword])
            let sql = app.db as! SQLDatabase
            func files() async throws -> [String] {
                try await sql.raw("SELECT sha256 FROM stored_files WHERE sha256 IS NOT NULL ORDER BY sha256").all()
                    .map { try $0.decode(column: "sha256", as: String.self) }
            }
            func png(_ n: UInt8) -> Data {
                Data(
                    [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 13] + Array("IHDR".utf8)
                        + Array(repeating: n, count: 64))
            }
            // Ten entries yesterday: the eleventh, with a photo, is refused and its photo never written.
            let yesterday = AppClock.today.adding(days: -1).description
            for i in 0..<10 {
                let e = DiaryEntry()
                e.memberID = f.memberA.id!
                e.onDay = yesterday
                e.text = "第\(i)篇"
                e.excellent = false
                try await e.create(on: app.db)
            }
            _ = try await me.get("/my/diary")
            _ = try await me.upload(
                "/my/diary", form: ["on": yesterday, "text": "第十一篇"],
                file: (field: "photo", name: "a.png", data: png(1)))
            #expect(try await me.get("/my/diary").body.string.contains("同一天最多10篇日记"))
            #expect(try await files().isEmpty, "a refused entry's photo was written")
            // Two photos today fit the quota; the third is refused with the reason, and nothing is written for it.
            let today = AppClock.today.description
            for n: UInt8 in [2, 3] {
                _ = try await me.upload(
                    "/my/diary", form: ["on": today, "text": "今天的日记\(n)"],
                    file: (field: "photo", name: "a.png", data: png(n)))
            }
            #expect(try await files().count == 2)
            _ = try await me.upload(
                "/my/diary", form: ["on": today, "text": "今天的日记4"], file: (field: "photo", name: "a.png", data: png(4)))
            #expect(try await me.get("/my/diary").body.string.contains("今天上传的照片已达2个"))
            #expect(try await files().count == 2)
            #expect(try await DiaryEntry.query(on: app.db).filter(\.$onDay == today).count() == 2)
            // The month's megabytes count too (the same rule, its own message).
            #expect(
                UploadQuota(perDay: 10, megabytesPerMonth: 1, noun: "照片").refusal(
                    filesToday: 0, bytesThisMonth: 1_000_000, adding: 100_000) == "本月上传的照片已超过1MB，请下月再传或压缩后上传")
            // A file no row refers to goes after a day; a referenced one stays however old, a fresh stray stays.
            let old = AppClock.now.addingTimeInterval(-2 * 86_400)
            _ = try await sql.raw("UPDATE stored_files SET created_at = \(bind: old)").run()
            let stray = try await app.files.put(png(9), on: app.db, now: old)
            let fresh = try await app.files.put(png(8), on: app.db)
            let report = try await ClusterFeature().sweep(app, today: AppClock.today)
            #expect(report.contains { $0.hasPrefix("私有文件：删除无记录引用的文件1个") }, "\(report)")
            #expect(try await !app.files.exists(stray.sha256, on: app.db))
            #expect(try await app.files.exists(fresh.sha256, on: app.db))
            #expect(try await files().count == 3)
            for e in try await DiaryEntry.query(on: app.db).filter(\.$photoType != nil).all() {
                #expect(try await me.get("/my/diary/\(e.id!.uuidString)/photo").status == .ok)
            }
        }
    }
}
