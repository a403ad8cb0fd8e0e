import Fluent
import Foundation
import LiudongCore
import Testing
import VaporTesting

@testable import LiudongApp

/// Issue 25 item 4: plays the attacker. As the inflow organization (which sees member A masked) and as a branch
/// secretary (who does not see member B at all), try to complete the member's ID number through every search, import,
/// list and API the role has. Each channel may answer one candidate at a time and only within the hourly allowance of
/// lookups by number, so after every channel is exhausted almost all candidates remain.
@Suite("The attacker: no role completes a number it may not reveal")
struct AttackerTests {
    /// Every valid number with `division`, a birth day among `days`, the sex's sequence parity and (when known) the
    /// check digit.
    static func candidates(division: String, days: [CalendarDate], male: Bool, check: Character?) -> [String] {
        var out: [String] = []
        for day in days {
            for seq in 0..<1000 where (seq % 2 == 1) == male {
                let id = IDNumber.make(division: division, birth: day, sequence: seq, sex: male ? .male : .female)
                if check == nil || id.last == check { out.append(id) }
            }
        }
        return out
    }

    static func pairingCSV(_ ids: [String], name: String, org: String) -> Data {
        var csv = "结对名单\n姓名,公民身份号码,结对方,结对人,职务,联系电话,结对人所在党组织代码\n"
        for id in ids { csv += "\(name),\(id),流入地,王书记,书记,13800002222,\(org)\n" }
        return Data(csv.utf8)
    }

    /// An answer as the attacker compares it: the status and the JSON with its keys in order (key order is random).
    static func canonical(_ res: TestingHTTPResponse) -> String {
        let body = res.body.string
        guard let object = try? JSONSerialization.jsonObject(with: Data(body.utf8)),
            let data = try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])
        else { return "\(res.status.code) \(body)" }
        return "\(res.status.code) " + String(decoding: data, as: UTF8.self)
    }

    /// The rows a pairing import answered 已结对, by the file's row order (the header is row 2).
    static func pairedRows(_ html: String) -> Int {
        html.components(separatedBy: "已结对</td>").count - 1
    }

    @Test(arguments: TestDatabase.all)
    func theInflowSideCannotCompleteTheNumberOfAMemberItSeesMasked(db: TestDatabase) async throws {
        try await withTestApp(db) { app in
            let f = try await Fixture.build(app)
            try await PrivacyTests.flowing(app, f)
            let limit = app.settings.numberLookupsPerHour
            var inflow = Browser(app)
            try await inflow.signIn("inflow", Fixture.password)
            let api = try await APIClient.signIn(app, "inflow", Fixture.password)
            // What the role sees: the masked number, the birth month, the sex, the name.
            struct Row: Decodable {
                var id: String
                var name: String
                var idMasked: String
                var birthMonth: String
                var sex: String
            }
            struct Page: Decodable { var items: [Row] }
            let seen = try #require(
                try await api.get("/api/v1/members").content.decode(Page.self).items.first { $0.name == "张建国" })
            let month = try #require(CalendarDate(seen.birthMonth + "-01"))
            let days = (0..<31).map { month.adding(days: $0) }.filter { $0.month == month.month }
            let all = Self.candidates(
                division: String(seen.idMasked.prefix(6)), days: days, male: seen.sex == "男", check: seen.idMasked.last)
            #expect(all.contains(Fixture.idA) && all.count > 1000)
            var known = Set(all)
            var spent = 0
            // 1. Roster search by the last four characters (the phone's own tail, shown masked, left out) and by the
            //    whole number, the true one among them: refused for this role, with one answer.
            let phoneTail = "1234"
            var answers: Set<String> = []
            for tail in Set(all.map { String($0.suffix(4)) }).subtracting([phoneTail]).sorted().prefix(10)
                + [String(Fixture.idA.suffix(4))]
            {
                let res = try await api.get("/api/v1/members?q=\(tail)")
                if res.status == .ok {
                    spent += 1
                    if res.body.string.contains(seen.id) { known = known.filter { $0.hasSuffix(tail) } }
                }
            }
            for id in all.prefix(10) + [Fixture.idA] {
                let res = try await api.get("/api/v1/members?q=\(id)")
                answers.insert(Self.canonical(res))
                if res.status == .ok, res.body.string.contains(seen.id) { known = [id] }
            }
            #expect(answers.count == 1, "\(answers)")
            // 2. The pairing import: every candidate in one file under the member's name.
            _ = try await inflow.get("/pairings")
            let everyone = try await inflow.upload(
                "/pairings/import", form: ["org": f.external.code],
                file: ("file", "list.csv", Self.pairingCSV(all, name: seen.name, org: f.external.code)))
            if Self.pairedRows(everyone.body.string) > 0 { known = [Fixture.idA] }
            let refusedWhole = everyone.body.string.contains("超过本账号这一小时还可按号码查找的次数")
            #expect(refusedWhole, "a file of every candidate was read row by row")
            // ... then what the allowance leaves, in files of wrong candidates: each row answers for itself only.
            let wrong = all.filter { $0 != Fixture.idA }
            let account = try #require(try await Account.query(on: app.db).filter(\.$username == "inflow").first())
            let me = try #require(try await UserAuthenticator.load(accountID: account.id!, on: app.db, viaToken: false))
            var offset = 0
            while true {
                let left = try await NumberLookups.remaining(me, limit: limit, on: app.db)
                guard left > 0 else { break }
                guard offset < wrong.count else {
                    Issue.record("every candidate was looked up: the pairing import is not limited")
                    break
                }
                let chunk = Array(wrong[offset..<min(offset + min(left, 25), wrong.count)])
                offset += chunk.count
                let res = try await inflow.upload(
                    "/pairings/import", form: ["org": f.external.code],
                    file: ("file", "list.csv", Self.pairingCSV(chunk, name: seen.name, org: f.external.code)))
                #expect(Self.pairedRows(res.body.string) == 0)
                // One reason on every row: nothing beyond "not this one".
                #expect(res.body.string.components(separatedBy: PairingImport.notFound).count - 1 == chunk.count)
                known.subtract(chunk)
                spent += chunk.count
            }
            #expect(try await Pairing.query(on: app.db).count() == 0, "a pairing made by number")
            // 3. The inflow list: every candidate uploaded as the organization's own list; the answer is about the file.
            _ = try await inflow.get("/imports")
            var list = "序号,姓名,公民身份号码\n"
            for (i, id) in all.enumerated() { list += "\(i + 1),张建国,\(id)\n" }
            let uploaded = try await inflow.upload(
                "/imports", form: ["kind": "inflow", "quarter": AppClock.quarter.description],
                file: ("file", "list.csv", Data(list.utf8)))
            let listLeaked = uploaded.body.string.contains(Fixture.idA) || uploaded.body.string.contains(seen.id)
            #expect(!listLeaked)
            // 4. Every list, page and API the role reads about the member shows nothing beyond the masked form.
            for path in [
                "/members", "/members/\(seen.id)", "/api/v1/members/\(seen.id)", "/reviews", "/imports", "/pairings",
            ] {
                let body = try await inflow.get(path).body.string
                let shows = body.contains(Fixture.idA) || body.contains("…" + String(Fixture.idA.suffix(4)))
                #expect(!shows, "\(path)")
            }
            // After every channel: not complete, and no answer eliminated more than the candidate it tried.
            #expect(known.count > 1, "the inflow account completed the number")
            #expect(known.count >= all.count - spent && spent <= limit)
            // The allowance is spent: a further lookup by number is refused, by search and by import.
            #expect(try await api.get("/api/v1/members?q=\(phoneTail)").status == .tooManyRequests)
            let more = try await inflow.upload(
                "/pairings/import", form: ["org": f.external.code],
                file: ("file", "list.csv", Self.pairingCSV([Fixture.idA], name: seen.name, org: f.external.code)))
            #expect(Self.pairedRows(more.body.string) == 0)
        }
    }

    @Test(arguments: TestDatabase.all)
    func aBranchSecretaryCannotCompleteTheNumberOfAMemberElsewhere(db: TestDatabase) async throws {
        try await withTestApp(db) { app in
            let f = try await Fixture.build(app)
            let limit = app.settings.numberLookupsPerHour
            // What the secretary may know from outside: member B's division, birthday and sex.
            let all = Self.candidates(
                division: "150402", days: [CalendarDate(year: 1979, month: 12, day: 30)!], male: true, check: nil)
            #expect(all.contains(Fixture.idB) && all.count == 500)
            var known = Set(all)
            let api = try await APIClient.signIn(app, "secretary", Fixture.password)
            // 1. Roster search by the whole number and by the last four: the scope holds no such member either way.
            var answers: Set<String> = []
            for id in [Fixture.idB] + all.prefix(10) {
                let res = try await api.get("/api/v1/members?q=\(id)")
                answers.insert(Self.canonical(res))
                let tail = try await api.get("/api/v1/members?q=\(id.suffix(4))")
                answers.insert(Self.canonical(tail))
            }
            #expect(answers.count == 1, "\(answers)")
            // 2. The pairing import: one reason for the number elsewhere and a number nowhere.
            var browser = Browser(app)
            try await browser.signIn("secretary", Fixture.password)
            _ = try await browser.get("/pairings")
            let res = try await browser.upload(
                "/pairings/import", form: ["org": f.branchA.code],
                file: (
                    "file", "list.csv",
                    Self.pairingCSV(
                        [Fixture.idB, all[0] == Fixture.idB ? all[1] : all[0]], name: "王海涛", org: f.branchA.code)
                ))
            let reasons = res.body.string.components(separatedBy: "身份证号不在您管理范围内的花名册中").count - 1
            #expect(reasons == 2)
            // 3. Registering candidates. A number registered elsewhere is answered only "submitted for checking",
            //    and lands on the county's worklist (a committee below the county tries the true one) ...
            let committee = try await APIClient.signIn(app, "committee", Fixture.password)
            let hit = try await committee.post(
                "/api/v1/members", json: MemberTests.json(id: Fixture.idB, name: "王海涛", org: f.branchA.code))
            let tells = hit.body.string.contains("花名册中")
            #expect(hit.status == .accepted && !tells)
            #expect(
                try await RosterDuplicates.openCounts(under: f.city.path, on: app.db.sql()).values.reduce(0, +) == 1)
            // ... and every registration below the county counts against the allowance: the secretary, trying wrong
            // candidates, eliminates one per try (each leaves a member on the branch's own roster) until refused.
            var tries = 0
            var refused = false
            for id in all where id != Fixture.idB {
                let r = try await api.post(
                    "/api/v1/members", json: MemberTests.json(id: id, name: "王海涛", org: f.branchA.code))
                if r.status == .tooManyRequests {
                    refused = true
                    break
                }
                tries += 1
                if r.status == .created { known.remove(id) }
            }
            #expect(refused, "registering candidates is not limited")
            #expect(tries <= limit)
            // The true number, tried now, is refused like any other.
            #expect(
                try await api.post(
                    "/api/v1/members", json: MemberTests.json(id: Fixture.idB, name: "王海涛", org: f.branchA.code)
                ).status == .tooManyRequests)
            #expect(known.contains(Fixture.idB) && known.count >= all.count - limit)
            #expect(
                try await AuditEntry.query(on: app.db).filter(\.$action == AuditAction.lookup.rawValue)
                    .filter(\.$username == "secretary").count() >= tries)
        }
    }
}
