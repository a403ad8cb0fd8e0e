import Crypto
import Foundation
import Testing

@testable import LiudongCore

@Suite("Several nodes: throttle windows, import-job takeover, sealed file chunks")
struct ClusterRulesTests {
    let now = Date(timeIntervalSince1970: 1_796_572_800)

    @Test func aWaitIsAtLeastASecondAndNeverLongerThanTheWindow() {
        #expect(ThrottleWindow.wait(until: now.addingTimeInterval(12.2), now: now, window: 60) == 13)
        #expect(ThrottleWindow.wait(until: now.addingTimeInterval(-5), now: now, window: 60) == 1)
        // A row stamped by a node whose clock ran far ahead asks for the window, not a day.
        #expect(ThrottleWindow.wait(until: now.addingTimeInterval(86_400), now: now, window: 60) == 60)
        #expect(ThrottleWindow.wait(until: .distantFuture, now: .distantPast, window: 600) == 600)
        #expect(ThrottleWindow.wait(until: now, now: now, window: .infinity) >= 1)
    }

    @Test func aJobIsClaimableWhenNobodyHoldsItOrItsNodeStoppedAMinuteAgo() {
        let minute = ImportJobRules.staleAfter
        #expect(ImportJobRules.claimable(phase: .checking, owner: nil, heartbeat: nil, now: now))
        #expect(
            !ImportJobRules.claimable(phase: .checking, owner: "a", heartbeat: now.addingTimeInterval(-5), now: now))
        #expect(
            ImportJobRules.claimable(phase: .applying, owner: "a", heartbeat: now.addingTimeInterval(-minute), now: now)
        )
        for phase in [ImportJobPhase.checked, .applied, .failed] {
            #expect(!ImportJobRules.claimable(phase: phase, owner: nil, heartbeat: nil, now: now))
        }
        #expect(ImportJobRules.takeover(phase: .applying, attempts: 0) == .run)
        #expect(ImportJobRules.takeover(phase: .checking, attempts: ImportJobRules.maxAttempts - 1) == .run)
        guard case .fail(let why) = ImportJobRules.takeover(phase: .applying, attempts: ImportJobRules.maxAttempts)
        else {
            Issue.record("a job that keeps stopping its nodes must fail")
            return
        }
        #expect(why.contains("应用未完成") && why.contains("没有任何改变"))
    }

    @Test func aSealedChunkOpensOnlyInItsPlaceWithItsKey() throws {
        let cipher = try FieldCipher(masterKey: Data(repeating: 7, count: 32))
        let plain = Data("盖章回执 page 1".utf8)
        let sealed = try cipher.sealChunk(plain, context: "blob/0")
        #expect(sealed.range(of: plain) == nil)
        #expect(try cipher.openChunk(sealed, context: "blob/0") == plain)
        #expect(throws: FieldCipher.Problem.self) { try cipher.openChunk(sealed, context: "blob/1") }
        #expect(throws: FieldCipher.Problem.self) { try cipher.openChunk(sealed, context: "other/0") }
        let other = try FieldCipher(masterKey: Data(repeating: 8, count: 32))
        #expect(throws: FieldCipher.Problem.self) { try other.openChunk(sealed, context: "blob/0") }
        var flipped = sealed
        flipped[flipped.count - 1] ^= 1
        #expect(throws: FieldCipher.Problem.self) { try cipher.openChunk(flipped, context: "blob/0") }
    }
}

@Suite("Counts per organization summed over subtrees (the worklist roll-up)")
struct SubtreeSumsTests {
    let paths = [1: "/1/", 2: "/1/2/", 3: "/1/2/3/", 4: "/1/2/4/", 5: "/1/5/", 9: "/9/"]

    @Test func everyCountReachesEachOrganizationAboveIt() {
        let sums = SubtreeSums.rollUp([3: 2, 4: 5, 5: 1, 2: 1, 9: 7], paths: paths)
        #expect(sums == [1: 9, 2: 8, 3: 2, 4: 5, 5: 1, 9: 7])
        // Zero counts leave no row; an organization without a known path counts for itself only.
        #expect(SubtreeSums.rollUp([3: 0, 42: 3], paths: paths) == [42: 3])
        #expect(SubtreeSums.ids(onPath: "/1/x/22/") == [1, 22])
        #expect(SubtreeSums.rollUp([3: Int.max, 4: 5], paths: paths)[1] == Int.max)
    }

    @Test func aSubtreeFigureCountsKeysReachingTheThresholdOverTheWholeSubtree() {
        // Branches 3 and 4 (under 2, under 1) each have 6 members at inflow 70: neither reaches 10, their parent does.
        let rows: [(ids: [Int], key: Int, n: Int)] = [
            ([1, 2, 3], 70, 6), ([1, 2, 4], 70, 6), ([1, 2, 4], 71, 12), ([1, 5], 70, 3), ([1, 5], 72, 9), ([9], 72, 1),
        ]
        let figures = SubtreeSums.keysReaching(rows, threshold: 10)
        #expect(figures == [1: 2, 2: 2, 4: 1])
        #expect(SubtreeSums.keysReaching(rows, threshold: 1)[1] == 3)
        #expect(SubtreeSums.keysReaching([([1], 7, Int.max), ([1], 7, 5)], threshold: 10) == [1: 1])
        #expect(SubtreeSums.keysReaching([([1], 7, -4), ([1], 7, 0)], threshold: 0).isEmpty)
    }

    @Test func aScopesSharesAddUpToItsSumAndGiveEachChildItsSubtree() {
        let sums = SubtreeSums.rollUp([3: 2, 4: 5, 5: 1, 1: 4], paths: paths)
        let shares = SubtreeSums.scopeShares(scope: 1, sum: sums[1]!, children: [2: sums[2]!, 5: sums[5]!])
        #expect(shares == [1: 4, 2: 7, 5: 1])
        #expect(shares.values.reduce(0, +) == sums[1])
        #expect(SubtreeSums.scopeShares(scope: 2, sum: 7, children: [3: 2, 4: 5]) == [3: 2, 4: 5])
        #expect(SubtreeSums.scopeShares(scope: 2, sum: 0, children: [:]) == [:])
    }
}
