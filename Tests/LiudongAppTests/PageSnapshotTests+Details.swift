import Foundation
import LiudongCore
import SnapshotTesting
import Testing
import VaporTesting

@testable import LiudongApp

/// The measures' pages about one thing — an agreement and its renewal form, a member's pairings and points, a
/// service request on both sides, the forms for a new organizational-life event and a new weekly quiz, the hearings
/// — as reviewed text, normalized as the measures' index pages are.
@Suite("Page snapshots of the measures' detail pages")
struct MeasureDetailSnapshotTests {
    struct Created: Decodable { var id: UUID }

    @Test func detailPagesOfTheMeasuresAndTheMembersRequest() async throws {
        try await withTestApp(.sqlite) { app in
            let f = try await Fixture.build(app)
            // 张建国 away and reported to 望京, with a phone account and a request to the inflow side.
            _ = try await Mobile.open(app, f.memberA, inflow: f.external)
            let me = try await OrgLifeTests.signedIn(app, f.memberA, idNumber: Fixture.idA, staff: "secretary")
            let raised = try await me.post(
                "/api/v1/my/requests",
                json: #"{"kind":"medical","title":"异地就医备案","details":"在北京看病想用家乡医保报销，怎么备案？"}"#)
            #expect(raised.status == .created)
            let request = try raised.content.decode(Created.self).id
            // The county signs an agreement with 望京 (in force for a while yet).
            let county = try await APIClient.signIn(app, "county", Fixture.password)
            let signed = try await county.post("/api/v1/agreements", json: NetworkTests.agreementJSON())
            #expect(signed.status == .created)
            let agreement = try signed.content.decode(Created.self).id
            let member = try #require(f.memberA.id).uuidString
            let pages: [(username: String, paths: [String])] = [
                ("county", ["/agreements/\(agreement)", "/agreements/\(agreement)/renew", "/learning/quizzes/new"]),
                ("secretary", ["/members/\(member)/pairings", "/points/members/\(member)", "/org-life/new"]),
                ("committee", ["/contacts/hearings"]),
                ("inflow", ["/requests/\(request)"]),
            ]
            for (username, paths) in pages {
                var browser = Browser(app)
                try await browser.signIn(username, Fixture.password)
                for path in paths {
                    let res = try await browser.get(path)
                    #expect(res.status == .ok, "\(username) \(path)")
                    Self.snapshot(res, "details_\(username)\(Self.name(path))")
                }
            }
            var phone = Browser(app)
            _ = try await phone.get("/my/login")
            _ = try await phone.post("/my/login", form: ["idNumber": Fixture.idA, "password": Mobile.memberPassword])
            let mine = try await phone.get("/my/requests/\(request)")
            #expect(mine.status == .ok)
            Self.snapshot(mine, "details_member_my_requests_id")
        }
    }

    /// The measures' normalization, and the ISO week a new quiz form proposes (this week's).
    static func snapshot(_ res: TestingHTTPResponse, _ name: String) {
        let text = MeasurePageSnapshotTests.normalize(res.body.string)
            .replacingOccurrences(of: #"<year>-W\d{2}"#, with: "<year>-W<week>", options: .regularExpression)
        withSnapshotTesting(record: .missing) {
            assertSnapshot(of: text, as: .lines, named: name, testName: "detailPages")
        }
    }

    /// A path as a snapshot name: ids left out (they change every run).
    static func name(_ path: String) -> String {
        path.replacingOccurrences(
            of: #"[0-9A-Fa-f]{8}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{12}"#, with: "id",
            options: .regularExpression
        ).replacingOccurrences(of: "/", with: "_")
    }
}
