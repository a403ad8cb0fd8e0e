import Fluent
import Foundation
import LiudongCore
import SQLKit
import Testing
import VaporTesting

@testable import LiudongApp

/// Issue 31 item 6: a city's or province's counts start from the rows counted (`ScopeWidth`), a county's and below
/// from its organizations. The two ways must count the same: here both run on the demo, whole tree and one county.
@Suite("Counts over a subtree: both join orders agree")
struct ScopeWidthTests {
    @Test(arguments: TestDatabase.all)
    func theWideAndTheNarrowWayCountTheSame(db: TestDatabase) async throws {
        try await withTestApp(db) { app in
            _ = try await DemoLoader.load(seed: 11, memberCount: 600, cipher: app.cipher, bcryptCost: 4, on: app.db)
            let sql = app.db as! SQLDatabase
            // Lost members with their tries recorded, so that the lost-contact count has something to count.
            _ = try await sql.raw(
                "UPDATE flows SET status = 'lost', lost_candidate_since = '2025-01-01' WHERE status = 'away'"
            )
            .run()
            for f in try await sql.raw("SELECT id, member_id FROM flows WHERE status = 'lost'").all(
                decoding: FlowRow.self
            )
            .prefix(40) {
                for n in 0..<3 {
                    _ = try await sql.raw(
                        """
                        INSERT INTO lost_searches (id, member_id, flow_id, method, on_day, result, found, by_name, created_at)
                        VALUES (\(bind: UUID()), \(bind: f.member_id), \(bind: f.id), 'phone', \(bind: "2025-0\(n + 2)-01"),
                                '未接通', \(bind: false), 'test', \(bind: AppClock.now))
                        """
                    ).run()
                }
            }
            let root = try #require(try await OrganizationService.root(on: app.db))
            let county = try #require(try await Organization.query(on: app.db).filter(\.$level == .county).first())
            let today = AppClock.today
            func counts(_ path: String) async throws -> ([Int: Int], [Int: Int]) {
                (
                    try await TransferStore.suggested(under: path, today: today, on: sql),
                    try await LostContactStore.proposals(
                        under: path, cutoff: today.adding(days: -30), minimum: 3, on: sql)
                )
            }
            for path in [root.path, county.path] {
                let narrow = try await counts(path)
                let saved = ScopeWidth.wideAt
                ScopeWidth.wideAt = 1
                let wide = try await counts(path)
                ScopeWidth.wideAt = saved
                #expect(narrow.0 == wide.0 && narrow.1 == wide.1, "\(path)")
                #expect(narrow.0.values.reduce(0, +) > 0, "the six-month prompt counts someone under \(path)")
                if path == root.path { #expect(narrow.1.values.reduce(0, +) > 0) }
            }
            #expect(try await ScopeWidth.isWide(root.path, on: sql) == false)
        }
    }
}

private struct FlowRow: Decodable {
    var id: UUID
    var member_id: UUID
}
