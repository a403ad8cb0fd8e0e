import Foundation
import LiudongCore
import Testing
import VaporTesting

@testable import LiudongApp

/// `LIUDONG_TODAY` is read with the other settings, named when wrong, and refused in production unless allowed.
@Suite("Settings: the clock")
struct ClockSettingTests {
    static let key = String(repeating: "ab", count: 32)

    @Test func theSettingIsParsedWithTheOthersAndABadOneIsNamed() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("clock-\(UUID())").path
        let ok = try Settings.fromEnvironment([
            "LIUDONG_VAR_DIR": dir, "LIUDONG_DATA_KEY": Self.key, "LIUDONG_TODAY": "2027-02-05",
        ])
        #expect(ok.clock?.day == CalendarDate("2027-02-05") && !ok.allowFixedClock)
        let none = try Settings.fromEnvironment(["LIUDONG_VAR_DIR": dir, "LIUDONG_DATA_KEY": Self.key])
        #expect(none.clock == nil)
        #expect {
            try Settings.fromEnvironment([
                "LIUDONG_VAR_DIR": dir, "LIUDONG_DATA_KEY": Self.key, "LIUDONG_TODAY": "2027-02-30",
            ])
        } throws: { "\($0)".contains("LIUDONG_TODAY") && "\($0)".contains("2027-02-30") }
    }

    @Test func productionRefusesAMovedClockUnlessAllowed() async throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("clock-\(UUID())").path
        defer { try? FileManager.default.removeItem(atPath: dir) }
        var settings = Settings(database: .sqlite(path: dir + "/t.sqlite"), varDirectory: dir, dataKey: testDataKey)
        settings.clock = try AppClock.parse("2027-02-05").get()
        let app = try await Application.make(.production)
        // MUT: refused before anything is set up (the clock of this test process is left as it was).
        let before = AppClock.setting
        await #expect {
            try await configure(app, settings: settings)
        } throws: { "\($0)".contains("LIUDONG_ALLOW_FIXED_CLOCK") }
        #expect(AppClock.setting == before)
        try await app.asyncShutdown()
    }
}
