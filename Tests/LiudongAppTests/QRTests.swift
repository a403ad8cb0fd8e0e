import Foundation
import LiudongCore
import Testing
import VaporTesting

@testable import LiudongApp

/// Decoding needs `rsvg-convert` (librsvg2-bin) and `zbarimg` (zbar-tools); `.ci/run` installs both.
let qrToolsPresent = ["/usr/bin/rsvg-convert", "/usr/bin/zbarimg"].allSatisfy {
    FileManager.default.isExecutableFile(atPath: $0)
}

@Suite("QR codes")
struct QRTests {
    static func run(_ path: String, _ args: [String]) throws -> (Int32, String) {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: path)
        p.arguments = args
        let out = Pipe()
        p.standardOutput = out
        p.standardError = Pipe()
        try p.run()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        return (p.terminationStatus, String(decoding: data, as: UTF8.self))
    }

    @Test(
        .enabled(if: qrToolsPresent || ProcessInfo.processInfo.environment["LIUDONG_CI"] == "1"),
        arguments: TestDatabase.all)
    func theServedCodeDecodesToTheReportURL(db: TestDatabase) async throws {
        try await withTestApp(db) { app in
            let f = try await Fixture.build(app)
            let res = try await app.testing().sendRequest(.GET, "/orgs/\(f.branchA.code)/qr.svg")
            #expect(res.status == .ok)
            #expect(res.headers.contentType?.description.hasPrefix("image/svg+xml") == true)
            #expect(res.headers.first(name: .cacheControl)?.contains("public") == true)
            let dir = FileManager.default.temporaryDirectory.appendingPathComponent("qr-\(UUID().uuidString)")
            try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
            defer { try? FileManager.default.removeItem(at: dir) }
            let svg = dir.appendingPathComponent("code.svg").path, png = dir.appendingPathComponent("code.png").path
            try Data(res.body.string.utf8).write(to: URL(fileURLWithPath: svg))
            #expect(try Self.run("/usr/bin/rsvg-convert", ["-w", "400", "-o", png, svg]).0 == 0)
            let (status, text) = try Self.run("/usr/bin/zbarimg", ["-q", "--raw", png])
            #expect(status == 0)
            #expect(
                text.trimmingCharacters(in: .whitespacesAndNewlines) == "\(app.settings.baseURL)/r/\(f.branchA.code)")
            #expect(try await app.testing().sendRequest(.GET, "/orgs/NOPE/qr.svg").status == .notFound)
        }
    }

    @Test func errorCorrectionIsAtLeastM() throws {
        // Level M for a 40-character URL (43 bytes) needs version 4 (33 modules); level L would fit version 3 (29).
        let qr = try QRCode("https://liudong.example.gov.cn/r/1504220101")
        #expect(qr.size >= 33)
        #expect(qr.svg().hasPrefix("<svg"))
    }
}
