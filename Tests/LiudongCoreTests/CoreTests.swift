import Foundation
import Testing

@testable import LiudongCore

@Suite("ID numbers (GB 11643)")
struct IDNumberTests {
    let today = CalendarDate(year: 2026, month: 11, day: 29)!

    @Test func theStandardsSampleIsValid() throws {
        let id = try IDNumber.parse("11010519491231002X", today: today).get()
        #expect(id.birthDate == CalendarDate(year: 1949, month: 12, day: 31))
        #expect(id.sex == .female)
        #expect(id.divisionCode == "110105")
    }

    @Test func normalizesCaseSpacesAndFullWidth() throws {
        #expect(try IDNumber.parse(" 110105 19491231 002x ", today: today).get().value == "11010519491231002X")
        #expect(try IDNumber.parse("１１０１０５１９４９１２３１００２Ｘ", today: today).get().value == "11010519491231002X")
    }

    @Test(arguments: [
        ("", IDNumber.Problem.empty),
        ("11010519491231002", .wrongLength(17)),
        ("1101051949123100AX", .badCharacters),
        ("110105194902300028", .badBirthDate),
        ("110105203001010021", .birthDateInFuture),
        ("110105194912310021", .badCheckDigit),
    ])
    func rejectsWithAReason(raw: String, problem: IDNumber.Problem) {
        #expect(throws: problem) { try IDNumber.parse(raw, today: today).get() }
        #expect(!problem.message.isEmpty)
    }

    @Test func madeNumbersAreValidAndCarryTheirParts() throws {
        let birth = CalendarDate(year: 1990, month: 2, day: 28)!
        for seq in 0..<50 {
            for sex in Sex.allCases {
                let raw = IDNumber.make(division: "150422", birth: birth, sequence: seq, sex: sex)
                let id = try IDNumber.parse(raw, today: today).get()
                #expect(id.sex == sex)
                #expect(id.birthDate == birth)
            }
        }
    }
}

@Suite("Masking, phones, dates, quarters")
struct FormatTests {
    @Test func masking() {
        #expect(Masking.idNumber("15042219850314123X") == "150422***********X")
        #expect(Masking.idStored("15042219850314123X") == "150422************")
        #expect(Masking.birthMonth("1985-03-14") == "1985-03")
        #expect(Masking.phone("13812345678") == "138****5678")
    }

    /// The masking rule: what one view shows of a person must leave at least 1,000 ID numbers.
    @Test func theMaskedFormAndWhatStandsBesideItLeaveAThousandCandidates() {
        let id = IDNumber.make(
            division: "150422", birth: CalendarDate(year: 1985, month: 2, day: 14)!, sequence: 12, sex: .female)
        // The old form beside the full birth date was the number itself.
        let old = String(id.prefix(6)) + "********" + String(id.suffix(4))
        #expect(Masking.candidates(masked: old, birth: "1985-02-14", male: nil) == 1)
        // The new form beside the full birth date would still be too few: views show year and month only.
        #expect(Masking.candidates(masked: Masking.idNumber(id), birth: "1985-02-14", male: false) < 1000)
        // February (the shortest month), with the sex shown: still over a thousand.
        #expect(Masking.candidates(masked: Masking.idNumber(id), birth: "1985-02", male: false) >= 1000)
        // What stays in clear in the database (division + birth date) leaves the sequence and check digit: 1,000 numbers.
        #expect(Masking.candidates(masked: Masking.idStored(id), birth: "1985-02-14", male: nil) == 1000)
    }

    @Test(arguments: ["13812345678", "+86 138 1234 5678", "0476-8222001", "１３８１２３４５６７８"])
    func phonesThatAreValid(raw: String) { #expect((try? Phone.parse(raw).get()) != nil) }

    @Test(arguments: ["12345678901", "1381234567", "abc", "010-12"])
    func phonesThatAreNot(raw: String) { #expect((try? Phone.parse(raw).get()) == nil) }

    @Test func quarters() throws {
        let q = try #require(Quarter("2026Q2"))
        #expect(q.firstDay == CalendarDate(year: 2026, month: 4, day: 1))
        #expect(q.lastDay == CalendarDate(year: 2026, month: 6, day: 30))
        #expect(q.chinese == "2026年第二季度")
        #expect(q.next?.description == "2026Q3")
        #expect(Quarter("2026Q1")!.previous?.description == "2025Q4")
        #expect(Quarter("2026Q4")!.next?.description == "2027Q1")
        // The edges of the range are answers, not traps (GET /ledger/…/changes?to=1900Q1 once killed the server).
        #expect(Quarter("1900Q1")!.previous == nil)
        #expect(Quarter("9999Q4")!.next == nil)
        #expect(Quarter("1899Q4") == nil && Quarter("0000Q1") == nil && Quarter("2026Q5") == nil)
        #expect(Quarter(containing: CalendarDate(year: 2026, month: 12, day: 31)!).description == "2026Q4")
        #expect(q.contains(CalendarDate(year: 2026, month: 5, day: 1)!))
        #expect(!q.contains(CalendarDate(year: 2026, month: 7, day: 1)!))
        for bad in ["2026Q5", "2026Q0", "26Q1", "2026-2", ""] { #expect(Quarter(bad) == nil) }
    }

    @Test func todayIsTakenInShanghai() {
        // 2026-06-30 16:30 UTC is already 2026-07-01 in Asia/Shanghai: a new quarter there.
        let instant = Date(timeIntervalSince1970: 1_782_837_000)
        #expect(CalendarDate.today(now: instant) == CalendarDate(year: 2026, month: 7, day: 1))
        #expect(Quarter.current(now: instant).description == "2026Q3")
    }

    @Test func calendarDates() {
        #expect(CalendarDate("2024-02-29") != nil)
        #expect(CalendarDate("2023-02-29") == nil)
        #expect(
            CalendarDate(year: 1985, month: 3, day: 14)!.years(until: CalendarDate(year: 2026, month: 3, day: 13)!)
                == 40)
        #expect(CalendarDate("2026-12-31")!.adding(days: 1).description == "2027-01-01")
    }
}

@Suite("Reference data")
struct ReferenceDataTests {
    @Test func chifengAndItsCounties() {
        let d = Divisions.shared
        #expect(d["150400"]?.name == "赤峰市")
        #expect(d.fullName("150422") == "内蒙古自治区赤峰市巴林左旗")
        #expect(d.children(of: "150400").count == 12)
        #expect(d.children(of: "110000").map(\.code) == ["110100"])
        #expect(d.children(of: "110100").contains { $0.code == "110105" })
        #expect(d.fullName("110105") == "北京市朝阳区")
        #expect(d.children(of: "").count >= 31)
    }

    @Test func fiftySixEthnicGroups() {
        #expect(EthnicGroups.all.count == 56)
        #expect(EthnicGroups.all.first == "汉族")
        #expect(EthnicGroups.isValid("蒙古族"))
        #expect(!EthnicGroups.isValid("火星族"))
    }
}

@Suite("Field encryption")
struct FieldCipherTests {
    let key = Data((0..<32).map { UInt8($0) })

    @Test func sealsOpensAndHashes() throws {
        let c = try FieldCipher(masterKey: key)
        let a = try c.seal("11010519491231002X"), b = try c.seal("11010519491231002X")
        #expect(a != b)  // fresh nonce each time
        #expect(try c.open(a) == "11010519491231002X")
        #expect(!a.contains("1101051949"))
        #expect(c.hash("x") == c.hash("x"))
        #expect(c.hash("x") != c.hash("y"))
        let other = try FieldCipher(masterKey: Data(repeating: 9, count: 32))
        #expect(throws: FieldCipher.Problem.self) { try other.open(a) }
        #expect(other.hash("x") != c.hash("x"))
    }

    @Test func keysAreParsedFromHexOrBase64() throws {
        let hex = key.map { String(format: "%02x", $0) }.joined()
        #expect(try FieldCipher.parseKey(hex) == key)
        #expect(try FieldCipher.parseKey(key.base64EncodedString()) == key)
        #expect(throws: FieldCipher.Problem.self) { try FieldCipher.parseKey("short") }
    }
}

@Suite("Demo plan")
struct DemoPlanTests {
    let today = CalendarDate(year: 2026, month: 11, day: 29)!

    @Test func isDeterministicForASeedAndValid() throws {
        var a = DemoPlan(seed: 42, today: today), b = DemoPlan(seed: 42, today: today),
            c = DemoPlan(seed: 43, today: today)
        #expect(a.organizations.map(\.code) == b.organizations.map(\.code))
        let ma = a.members(count: 3000), mb = b.members(count: 3000), mc = c.members(count: 3000)
        #expect(ma.map(\.idNumber) == mb.map(\.idNumber))
        #expect(ma.map(\.name) != mc.map(\.name))
        for m in ma {
            let id = try IDNumber.parse(m.idNumber, today: today).get()
            #expect(id.sex == m.sex)
            #expect(id.birthDate == m.birthDate)
            #expect(DemoPlan.countyCodes.contains(id.divisionCode))
            #expect(m.joinedOn <= today)
            #expect(m.birthDate.years(until: m.joinedOn) >= 18)
        }
    }

    @Test func hasTheShapeTheIssueAsksFor() {
        let plan = DemoPlan(seed: 1, today: today)
        let counties = plan.organizations.filter { $0.level == .county }
        #expect(counties.map(\.code) == DemoPlan.countyCodes)
        for county in counties {
            let committees = plan.organizations.filter { $0.parentCode == county.code && $0.level == .committee }
            #expect((3...6).contains(committees.count))
            for c in committees {
                #expect((5...15).contains(plan.organizations.filter { $0.parentCode == c.code }.count))
            }
        }
        #expect(plan.organizations.contains { $0.name == "赤峰驻北京流动党员党支部" && $0.basis == .chamber })
        #expect(
            Set(plan.organizations.filter { $0.kind == .external }.map { String($0.divisionCode.prefix(2)) }) == [
                "11", "15", "21", "12",
            ])
    }

    @Test func flowsCoverEveryStateReasonAndHub() {
        var plan = DemoPlan(seed: 5, today: today)
        let members = plan.members(count: 20_000)
        let (flows, reports) = DemoPlan.flows(for: members, count: 4_000, seed: 5, today: today)
        #expect(flows.count == 4_000)
        // Every state a flow takes by reports; `ended` comes only from a member leaving the roster.
        #expect(Set(flows.map(\.status)) == Set(FlowState.allCases).subtracting([.ended]))
        #expect(Set(flows.map(\.reason)) == Set(OutflowReason.allCases))
        #expect(flows.contains { $0.overdueSince != nil })
        #expect(flows.contains { $0.lostCandidateSince != nil })
        #expect(flows.contains { $0.inflowOrgCode == "X110105" })
        #expect(flows.contains { $0.inflowOrgCode == "150400M01" })
        let beijing = flows.filter { $0.destinationCode.hasPrefix("11") }.count
        #expect(beijing > flows.count / 6)  // Beijing leads the destinations
        for f in flows {
            #expect(f.leftOn <= today)
            #expect(f.lastContactOn >= f.leftOn)
            if let a = f.arrivedOn { #expect(a >= f.leftOn && a <= today) }
        }
        let branches = Set(members.map(\.branchCode))
        #expect(Set(reports.map { members[$0.memberIndex].branchCode }) == branches)
        #expect(Set(reports.map(\.memberIndex)).isDisjoint(with: Set(flows.map(\.memberIndex))))
    }

    @Test func scalePlansUseRealCountiesAndKeepBranchesSmall() {
        let counties = DemoPlan.scaleCounties(members: 1_000_000)
        #expect(counties.count == 200)
        #expect(Set(counties).count == 200)
        #expect(counties.allSatisfy { Divisions.shared[$0]?.level == .county })
        #expect(counties.first?.hasPrefix("15") == true)
        var plan = DemoPlan(seed: 42, today: today, root: ("150000", "合成", "合成"), counties: Array(counties.prefix(5)))
        #expect(plan.organizations.first?.code == "150000")
        #expect(plan.organizations.filter { $0.level == .county }.count == 5)
        let members = plan.members(count: 25_000)
        let branches = Set(members.map(\.branchCode)).count
        #expect(members.count / branches < 400)  // a branch stays a branch, not a county
        #expect(!plan.organizations.contains { $0.kind == .mobile && $0.parentCode == nil })
    }
}

@Suite("The one clock: LIUDONG_TODAY")
struct AppClockTests {
    @Test func aDayMovesTheSystemTimeByWholeDays() throws {
        let setting = try AppClock.parse("2027-02-05").get()
        #expect(setting.day == CalendarDate("2027-02-05") && setting.moment == nil)
        // 2026-12-06 15:30 in Shanghai → 2027-02-05 15:30: 61 days, the time of day kept.
        let system = try #require(CalendarDate("2026-12-06")).startDate.addingTimeInterval(15.5 * 3600)
        let moved = system.addingTimeInterval(setting.offset(at: system))
        #expect(CalendarDate(date: moved) == CalendarDate("2027-02-05"))
        #expect(setting.offset(at: system) == 61 * 86_400)
    }

    @Test func aMomentStartsTheClockThere() throws {
        let setting = try AppClock.parse("2026-12-31T23:59:30").get()
        let system = try #require(CalendarDate("2026-12-06")).startDate
        let moved = system.addingTimeInterval(setting.offset(at: system))
        #expect(CalendarDate(date: moved) == CalendarDate("2026-12-31"))
        #expect(CalendarDate(date: moved.addingTimeInterval(31)) == CalendarDate("2027-01-01"))
        #expect(try AppClock.parse("2028-02-29T08:05").get().moment != nil)
    }

    @Test(arguments: [
        "", "today", "2027-02-30", "2026-13-01", "2026-12-31T24:00", "2026-12-31T23:60", "2026-12-31T+1:00",
        "2026-12-31T10", "2026-12-31T10:00:61", "2026-12-31T10:00:00:00", String(repeating: "9", count: 10_000),
    ])
    func badValuesAreRefusedWithTheSettingsName(raw: String) {
        guard case .failure(let problem) = AppClock.parse(raw) else {
            Issue.record("accepted \(raw.prefix(40))")
            return
        }
        #expect(problem.description.contains("LIUDONG_TODAY"))
    }
}
