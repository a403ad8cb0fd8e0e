import Crypto
import Fluent
import Foundation
import LiudongCore
import SQLKit
import Testing
import VaporTesting

@testable import LiudongApp

/// Issue 25 items 7 and 8: no stored digest is an unkeyed function of a number, and the conversion leaves no old
/// value in the database files.
@Suite("Privacy: every stored digest is keyed")
struct PrivacyDigestTests {
    /// The digests the code used before: a plain SHA-256 over the report's fields, FNV-1a over a national row's.
    static func unkeyedDedupe(_ v: SelfReportInput.Valid, idHash: String, bucket: Int) -> String {
        let content = [
            v.kind.rawValue, idHash, v.orgCode, v.name, v.phone ?? "", v.destinationCode ?? "", v.address ?? "",
            v.employer ?? "", v.occupation ?? "", v.reason.map { "\($0.rawValue)" } ?? "", v.leftOn?.description ?? "",
            v.expectedReturnOn?.description ?? "", v.inflowOrgCode ?? "", v.note ?? "",
        ].joined(separator: "\u{1F}")
        return SHA256.hash(data: Data((content + "\u{1F}\(bucket)").utf8)).hex
    }

    static func fnv(_ fields: [String]) -> String {
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        for f in fields {
            for b in f.utf8 { h = (h ^ UInt64(b)) &* 0x0000_0100_0000_01B3 }
            h = (h ^ 0x1F) &* 0x0000_0100_0000_01B3
        }
        return String(h, radix: 16)
    }

    struct NationalRow: Decodable {
        var quarter: String
        var id_hash: String
        var organization_id: Int
        var name: String
        var sex: String
        var ethnicity: String
        var birth_date: String
        var education: String
        var category: String
        var branch_name: String
        var phone_enc: String?
        var joined_on: String?
        var full_on: String?
        var residence: String
        var household: String
        var is_mobile: Bool
        var is_lost: Bool
        var employer: String
        var fingerprint: String

        func fields(phone: String) -> [String] {
            [
                String(organization_id), name, sex, ethnicity, birth_date, education, category, branch_name, phone,
                joined_on ?? "", full_on ?? "", residence, household, is_mobile ? "1" : "0", is_lost ? "1" : "0",
                employer,
            ]
        }
    }

    static func nationalRows(_ sql: SQLDatabase) async throws -> [NationalRow] {
        try await sql.raw("SELECT * FROM national_records").all(decoding: NationalRow.self)
    }

    @Test(arguments: TestDatabase.all)
    func noStoredDigestCanBeRecomputedWithoutTheKey(db: TestDatabase) async throws {
        try await withTestApp(db) { app in
            let f = try await Fixture.build(app)
            let json = SelfReportTests.outflowJSON(org: f.branchA.code, inflow: f.external.code)
            #expect(try await SelfReportTests.post(app, json).status == .created)
            try await PrivacyTests.reconciled(app, f)
            let sql = app.db as! SQLDatabase
            // The attacker: the code, every clear column, the phone's first three and last four digits, and a guess
            // at the middle four (the true one among them); only the data key is missing.
            let guessedKey = try FieldCipher(masterKey: Data(repeating: 0x5A, count: 32))
            let input = try JSONDecoder().decode(SelfReportInput.self, from: Data(json.utf8))
            guard case .success(let v) = input.validate(today: AppClock.today) else {
                Issue.record("the fixture's report does not validate")
                return
            }
            struct Report: Decodable {
                var dedupe_key: String
                var id_number_hash: String
                var created_at: Date
            }
            let reports = try await sql.raw("SELECT dedupe_key, id_number_hash, created_at FROM self_reports").all(
                decoding: Report.self)
            #expect(reports.count == 1)
            for r in reports {
                let bucket = Int(r.created_at.timeIntervalSince1970 / 600)
                // Control: with the key the stored value is recomputed (so the tries below are real tries).
                let keyed = SelfReportService.dedupeKey(
                    v, idHash: r.id_number_hash, now: r.created_at, cipher: app.cipher)
                #expect(keyed.current == r.dedupe_key)
                let phone = try #require(v.phone)
                for middle in 0..<10_000 {
                    var guess = v
                    let digits = String(format: "%04d", middle)
                    guess.phone = String(phone.prefix(3)) + digits + String(phone.suffix(4))
                    #expect(Self.unkeyedDedupe(guess, idHash: r.id_number_hash, bucket: bucket) != r.dedupe_key)
                    if middle % 500 == 0 || guess.phone == phone {
                        let k = SelfReportService.dedupeKey(
                            guess, idHash: r.id_number_hash, now: r.created_at, cipher: guessedKey)
                        #expect(k.current != r.dedupe_key)
                    }
                }
            }
            let national = try await Self.nationalRows(sql)
            #expect(national.count >= 3)
            for r in national {
                let phone = try r.phone_enc.map { try app.cipher.open($0) } ?? ""
                #expect(app.cipher.digest("national-record", r.fields(phone: phone)) == r.fingerprint)
                #expect(Self.fnv(r.fields(phone: phone)) != r.fingerprint, "\(r.name): an unkeyed FNV digest")
                #expect(guessedKey.digest("national-record", r.fields(phone: phone)) != r.fingerprint)
            }
            // Nothing anywhere is a plain digest of a number or a phone alone.
            var plain: Set<String> = []
            for n in [Fixture.idA, Fixture.idA2, Fixture.idB, "13904761234", "13904769999", "15004769999"] {
                let d = Data(n.utf8)
                plain.formUnion([
                    SHA256.hash(data: d).hex, Hex.encode(Insecure.SHA1.hash(data: d)),
                    Hex.encode(Insecure.MD5.hash(data: d)),
                    Self.fnv([n]),
                ])
            }
            for (table, values) in try await PrivacyTests.dump(sql) {
                #expect(!values.contains(where: plain.contains), "\(table) holds an unkeyed digest of a number")
            }
        }
    }

    @Test(arguments: TestDatabase.all)
    func theDigestMigrationsConvertOldRowsAndRewriteTheFiles(db: TestDatabase) async throws {
        try await withTestApp(db) { app in
            let f = try await Fixture.build(app)
            #expect(
                try await SelfReportTests.post(
                    app, SelfReportTests.outflowJSON(org: f.branchA.code, inflow: f.external.code)
                ).status == .created)
            try await PrivacyTests.reconciled(app, f)
            let sql = app.db as! SQLDatabase
            // Rows as the old code wrote them.
            let before = try await Self.nationalRows(sql)
            var oldPrints: [String] = []
            for r in before {
                let phone = try r.phone_enc.map { try app.cipher.open($0) } ?? ""
                let old = Self.fnv(r.fields(phone: phone))
                oldPrints.append(old)
                try await sql.update("national_records").set("fingerprint", to: old).where("quarter", .equal, r.quarter)
                    .where("id_hash", .equal, r.id_hash).run()
            }
            let oldKey = SHA256.hash(data: Data("old dedupe key".utf8)).hex
            try await sql.raw("UPDATE self_reports SET dedupe_key = \(bind: oldKey)").run()
            // MUT
            try await KeySelfReportDedupe().prepare(on: app.db)
            try await KeyNationalFingerprints(cipher: app.cipher).prepare(on: app.db)
            // validate: every fingerprint recomputed under the key, exactly as an import computes it ...
            for r in try await Self.nationalRows(sql) {
                let phone = try r.phone_enc.map { try app.cipher.open($0) } ?? ""
                #expect(r.fingerprint == app.cipher.digest("national-record", r.fields(phone: phone)))
            }
            // ... so the same file again finds every row unchanged.
            let csv = ReconciliationTests.nationalCSV(f)
            let file = FileManager.default.temporaryDirectory.appendingPathComponent("n-\(UUID().uuidString).csv").path
            defer { try? FileManager.default.removeItem(atPath: file) }
            try Data(csv.utf8).write(to: URL(fileURLWithPath: file))
            let again = try await NationalImportService.run(
                path: file, fileName: "n.csv", quarter: AppClock.quarter, scopePath: f.city.path,
                scopeCode: f.city.code,
                username: "t", apply: true, cipher: app.cipher, gate: app.writeGate, on: app.db)
            #expect(again.unchanged == before.count && again.updated == 0 && again.new == 0)
            struct K: Decodable {
                var dedupe_key: String
                var receipt: String
            }
            for k in try await sql.raw("SELECT dedupe_key, receipt FROM self_reports").all(decoding: K.self) {
                #expect(k.dedupe_key == "old:" + k.receipt)
            }
            // The old values are gone from the database file and its log too (SQLite: VACUUM, then the WAL emptied).
            if sql.dialect.name != "postgresql" {
                let dir = app.settings.varDirectory
                var bytes = Data()
                for name in ["test.sqlite", "test.sqlite-wal"] {
                    bytes.append(FileManager.default.contents(atPath: dir + "/" + name) ?? Data())
                }
                #expect(bytes.count > 10_000)
                #expect(bytes.range(of: Data(oldKey.utf8)) == nil, "the old dedupe key survives in the file")
                for old in oldPrints {
                    #expect(bytes.range(of: Data(old.utf8)) == nil, "an old fingerprint survives in the file")
                }
            }
        }
    }
}
