import Foundation
import LiudongCore
import Testing

/// The three-way matching on plain values: no database.
@Suite("Reconciliation: three-way matching as a pure function")
struct ThreeWayMatchTests {
    typealias M = ThreeWayMatch
    // Tree: county 2 at /1/2/, branch 5 at /1/2/3/5/; county 9 at /1/9/ (not covered by the national export below).
    static let counties = ["/1/2/": 2, "/1/9/": 9]
    static let branch = (id: 5, path: "/1/2/3/5/")
    static let inflowOrg = 40
    static let otherInflowOrg = 41

    static func flow(
        _ hash: String, status: String = "arrived", inflow: Int? = inflowOrg, phone: String? = "p1",
        national: M.NationalFacts? = M.NationalFacts(
            isMobile: true, isLost: false, orgID: 5, branchName: "东城村",
            phoneHash: "p1", phoneTail: "1234"),
        branchPath: String = branch.path
    ) -> M.OurFlow {
        M.OurFlow(
            memberID: UUID(), idHash: hash, idSealed: "sealed-" + hash, name: "党员" + hash, phoneHash: phone,
            phoneTail: "1234", branchID: branch.id, branchName: "东城村党支部", branchPath: branchPath, status: status,
            destinationCode: "110105", inflowOrgID: inflow, inflowName: inflow.map { "流入\($0)" },
            lostCandidateSince: nil, national: national)
    }

    static func entry(_ hash: String, org: Int = inflowOrg, phone: String? = "p1", path: String = "/x/40/")
        -> M.InflowEntry
    {
        M.InflowEntry(
            idHash: hash, tailSealed: "tail-" + hash, name: "报到" + hash, orgID: org, orgCode: "X\(org)",
            orgName: "流入\(org)", orgPath: path, phoneHash: phone)
    }

    static func input(
        ours: [M.OurFlow] = [], entries: [M.InflowEntry] = [], submitted: Set<Int> = [inflowOrg],
        roster: [String: M.RosterMember] = [:], nationalOnly: [M.NationalOnly] = [],
        absent: [M.AbsentMember] = [], covered: Set<Int> = [2]
    ) -> M.Input {
        M.Input(
            scopePath: "/1/", countyByPath: counties, ours: ours, entries: entries, submitted: submitted,
            inflowOrgPaths: [inflowOrg: "/x/40/"], coveredCounties: covered, roster: roster,
            nationalOnly: nationalOnly, absent: absent)
    }

    static func categories(_ outcome: M.Outcome) -> [M.Category] { outcome.findings.map(\.category) }

    @Test func agreeingSidesAreMatchedAndMakeNoItem() {
        let outcome = M.classify(Self.input(ours: [Self.flow("a")], entries: [Self.entry("a")]))
        #expect(outcome.findings.isEmpty)
        #expect(outcome.counts["matched"] == 1)
        #expect(outcome.counts.count == M.Category.allCases.count)
    }

    @Test func aListWithoutOurMemberIsTheInflowSidesItemOnlyWhenItHandedOneIn() {
        let missing = M.classify(Self.input(ours: [Self.flow("a")]))
        #expect(Self.categories(missing) == [.oursNotInflow])
        let item = missing.findings[0]
        #expect(item.assigneeID == Self.inflowOrg && item.assigneePath == "/x/40/" && item.countyID == 2)
        #expect(item.tail == .idNumber(sealed: "sealed-a"))
        // No list handed in: nothing to compare with.
        let none = M.classify(Self.input(ours: [Self.flow("a")], submitted: []))
        #expect(none.findings.isEmpty && none.counts["matched"] == 1)
    }

    @Test func listedElsewhereOrWithAnotherPhoneIsAFieldConflictForTheBranch() {
        let elsewhere = M.classify(
            Self.input(ours: [Self.flow("a")], entries: [Self.entry("a", org: Self.otherInflowOrg)]))
        #expect(Self.categories(elsewhere) == [.fieldConflict])
        #expect(elsewhere.findings[0].ours["conflicts"] == "inflowOrg")
        #expect(elsewhere.findings[0].inflow["orgCode"] == "X41")
        #expect(elsewhere.findings[0].assigneeID == Self.branch.id)
        let phone = M.classify(Self.input(ours: [Self.flow("a")], entries: [Self.entry("a", phone: "p2")]))
        #expect(phone.findings.first?.ours["conflicts"] == "phone")
    }

    @Test func theNationalSideCountsOnlyInCoveredCounties() {
        let notFlagged = M.NationalFacts(
            isMobile: false, isLost: true, orgID: 5, branchName: nil, phoneHash: "p1", phoneTail: nil)
        let outcome = M.classify(Self.input(ours: [Self.flow("a", national: notFlagged)], entries: [Self.entry("a")]))
        #expect(Self.categories(outcome) == [.oursNotNationalFlag, .lostDisagreement])
        let absentThere = M.classify(Self.input(ours: [Self.flow("a", national: nil)], entries: [Self.entry("a")]))
        #expect(Self.categories(absentThere) == [.oursNotNational])
        // The export does not cover the county: no national finding at all.
        let uncovered = M.classify(
            Self.input(ours: [Self.flow("a", national: nil)], entries: [Self.entry("a")], covered: []))
        #expect(uncovered.findings.isEmpty)
    }

    @Test func inflowLinesWithoutOurFlowGoToTheRosterBranchOrOurOwnMobileOrganization() {
        let member = M.RosterMember(memberID: UUID(), orgID: 5, path: Self.branch.path, flowStatus: nil)
        let outcome = M.classify(
            Self.input(
                entries: [
                    Self.entry("r"), Self.entry("s", org: 77, path: "/1/2/77/"),
                    Self.entry("t", org: 88, path: "/x/88/"),
                ],
                roster: ["r": member]))
        #expect(Self.categories(outcome) == [.inflowNotOurs, .inflowNotOurs])
        #expect(outcome.findings[0].assigneeID == 5 && outcome.findings[0].ours["status"] == "未流出")
        #expect(outcome.findings[0].tail == .tail(sealed: "tail-r"))
        #expect(outcome.findings[1].assigneeID == 77 && outcome.findings[1].ours["status"] == "不在花名册")
        #expect(
            M.unmatchedHashes(entries: [Self.entry("r"), Self.entry("r"), Self.entry("a")], ours: [Self.flow("a")]) == [
                "r"
            ])
    }

    @Test func nationalOnlyRecordsAndAbsenteesAreTheBranchesItems() {
        let stranger = M.NationalOnly(
            idHash: "n", idSealed: "sn", name: "甲", orgID: 5, path: Self.branch.path,
            isMobile: true, isLost: false, memberID: nil, flowStatus: nil)
        let flagged = M.NationalOnly(
            idHash: "f", idSealed: "sf", name: "乙", orgID: 5, path: Self.branch.path,
            isMobile: true, isLost: false, memberID: UUID(), flowStatus: "returned")
        let absent = M.AbsentMember(
            memberID: UUID(), idHash: "z", idSealed: "sz", name: "丙", orgID: 5,
            path: Self.branch.path, countyID: 2)
        let outcome = M.classify(Self.input(nationalOnly: [stranger, flagged], absent: [absent]))
        #expect(Self.categories(outcome) == [.nationalNotOurs, .nationalFlagNotOurs, .oursNotNational])
        #expect(outcome.findings[1].ours["status"] == FlowState.returned.label)
        #expect(outcome.findings.allSatisfy { $0.countyID == 2 })
    }

    @Test func onePersonGetsOneItemPerCategoryAndTheOutcomeIsDeterministic() {
        let input = Self.input(
            ours: [Self.flow("a"), Self.flow("a")], entries: [Self.entry("b"), Self.entry("b")],
            roster: ["b": M.RosterMember(memberID: UUID(), orgID: 5, path: Self.branch.path, flowStatus: nil)])
        let first = M.classify(input)
        #expect(first.counts["oursNotInflow"] == 1 && first.counts["inflowNotOurs"] == 1)
        let second = M.classify(input)
        #expect(first.findings.map(\.idHash) == second.findings.map(\.idHash))
        #expect(first.counts == second.counts)
    }

    @Test func theCountyOfAPathIsItsFirstCountyAncestor() {
        #expect(M.county(of: "/1/2/3/5/", in: Self.counties) == 2)
        #expect(M.county(of: "/1/", in: Self.counties) == nil)
        #expect(M.county(of: "/x/40/", in: Self.counties) == nil)
    }
}
