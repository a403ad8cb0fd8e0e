import Foundation
import LiudongCore
import SnapshotTesting
import Testing
import VaporTesting

@testable import LiudongApp

/// The main pages of each role on the small fixture, as reviewed text: a change to a page shows up as a diff of its
/// snapshot under `__Snapshots__/`. What changes from run to run (dates, times, tokens, generated ids) is replaced
/// by a placeholder first. To accept a deliberate change, delete the snapshot file and run the tests twice.
@Suite("Page snapshots of each role's main pages")
struct PageSnapshotTests {
    static let pages: [(username: String, paths: [String])] = [
        (
            "secretary",
            ["/", "/members", "/reviews", "/orgs/1504220101", "/ledger/1504220101", "/reconcile/1504220101"]
        ),
        ("committee", ["/", "/orgs/15042201"]),
        ("county", ["/", "/orgs", "/stats/150422", "/reconcile/150422", "/imports"]),
        ("city", ["/", "/audit"]),
        ("admin", ["/accounts"]),
        ("inflow", ["/", "/members", "/reviews", "/imports"]),
    ]

    /// Replaces what differs between runs with placeholders.
    static func normalize(_ html: String) -> String {
        let rules: [(String, String)] = [
            (#"name="_csrf" value="[^"]*""#, #"name="_csrf" value="<csrf>""#),
            // The bar's counts come from the account's last worklist (what is due moves with the day): left out.
            (#"<span class="count[^"]*">\d+</span>"#, ""),
            (#" title="待办截至\d{2}:\d{2}""#, ""),
            (#"[0-9A-Fa-f]{8}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{12}"#, "<uuid>"),
            (#"\d{4}-\d{2}-\d{2}([ T]\d{2}:\d{2}(:\d{2})?)?"#, "<date>"),
            (#"\d{4}年\d{1,2}月\d{1,2}日"#, "<日期>"),
            (#"\d{4}年第[一二三四1-4]季度"#, "<季度>"),
            (#"\d{4}Q[1-4]"#, "<quarter>"),
            (#"\d{4}年"#, "<年>"),
            (#"\b[2-9A-HJKMNP-Z]{16}\b"#, "<receipt>"),
            (#"\b[2-9A-HJKMNP-Z]{4}…"#, "<receipt>…"),
        ]
        var text = html
        for (pattern, replacement) in rules {
            text = text.replacingOccurrences(of: pattern, with: replacement, options: .regularExpression)
        }
        return text
    }

    @Test func mainPagesOfEachRole() async throws {
        try await withTestApp(.sqlite) { app in
            let f = try await Fixture.build(app)
            // Some work to show: a leaving report for the first branch, an arrival at the inflow organization.
            _ = try await SelfReportTests.post(app, SelfReportTests.outflowJSON(org: f.branchA.code))
            _ = try await SelfReportTests.post(
                app,
                """
                {"kind":"arrival","orgCode":"\(f.external.code)","name":"李华","idNumber":"\(Fixture.idB)","phone":"13904760000","address":"望京西园"}
                """)
            for (username, paths) in Self.pages {
                var browser = Browser(app)
                try await browser.signIn(username, Fixture.password)
                for path in paths {
                    let res = try await browser.get(path)
                    #expect(res.status == .ok, "\(username) \(path)")
                    let name = "\(username)\(path.replacingOccurrences(of: "/", with: "_"))"
                    withSnapshotTesting(record: .missing) {
                        assertSnapshot(of: Self.normalize(res.body.string), as: .lines, named: name)
                    }
                }
            }
        }
    }
}
