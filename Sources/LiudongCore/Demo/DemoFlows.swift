/// One synthetic flow of a demo member (index into the member list).
public struct DemoFlow: Sendable {
    public var memberIndex: Int
    public var status: FlowState
    public var leftOn: CalendarDate
    public var expectedReturnOn: CalendarDate?
    public var destinationCode: String
    public var address: String
    public var employer: String
    public var occupation: String
    public var reason: OutflowReason
    public var inflowOrgCode: String?
    public var arrivedOn: CalendarDate?
    public var returnedOn: CalendarDate?
    public var lastContactOn: CalendarDate
    public var overdueSince: CalendarDate?
    public var lostCandidateSince: CalendarDate?
}

/// One pending self-report waiting in a branch's queue.
public struct DemoReport: Sendable {
    public var memberIndex: Int
    public var receipt: String
    public var destinationCode: String
    public var address: String
    public var employer: String
    public var reason: OutflowReason
    public var leftOn: CalendarDate
}

extension DemoPlan {
    /// Where Chifeng's mobile members go: the big six, then the rest of the country.
    static let hubs: [(prefix: String, weight: Double, inflow: [String])] = [
        ("1101", 22, ["X110105", "150400M01"]), ("1501", 12, ["X150105", "150422M01"]), ("1502", 8, ["X150203"]),
        ("2101", 7, ["X210102", "150404M01"]), ("1201", 7, ["X120116", "150402M01"]), ("2102", 6, []),
    ]
    public static let streets = ["建设路", "人民路", "解放大街", "新华街", "长江路", "中山路", "胜利街", "和平路", "光明街", "友谊大街"]
    static let occupations = ["建筑业", "批发零售", "交通运输", "住宿餐饮", "制造业", "信息技术", "教育", "个体经营", "家政服务", "快递物流"]
    public static let employersAway = ["建筑工程有限公司", "物流有限公司", "餐饮管理有限公司", "科技有限公司", "商贸有限公司", "汽车维修中心", "家政服务公司"]

    /// About `count` flows among `members`, in every state, with ~`pendingPerBranch` pending reports per branch;
    /// deterministic for the plan's seed.
    public static func flows(
        for members: [DemoMember], count: Int, pendingPerBranch: ClosedRange<Int> = 2...4,
        seed: UInt64, today: CalendarDate
    ) -> (flows: [DemoFlow], reports: [DemoReport]) {
        var rng = SeededRandom(seed: seed ^ 0xF10F)
        let divisions = Divisions.shared
        // Mainland counties outside Chifeng (mobile members in Hong Kong, Macao or Taiwan are handled by other rules).
        let counties = divisions.all.filter {
            $0.level == .county && !$0.code.hasPrefix("1504")
                && !["71", "81", "82"].contains(String($0.code.prefix(2)))
        }
        let hubCounties = hubs.map { hub in counties.filter { $0.code.hasPrefix(hub.prefix) } }
        // Working-age members leave more often.
        var candidates = members.indices.filter { members[$0].birthDate.years(until: today) < 60 }
        candidates.shuffle(using: &rng)
        let chosen = candidates.prefix(count)
        var flows: [DemoFlow] = []
        flows.reserveCapacity(count)
        for i in chosen {
            var hub = -1
            let roll = Double.random(in: 0..<100, using: &rng)
            var acc = 0.0
            for (h, entry) in hubs.enumerated() {
                acc += entry.weight
                if roll < acc {
                    hub = h
                    break
                }
            }
            let place = hub >= 0 ? rng.pick(hubCounties[hub]) : rng.pick(counties)
            let reason: OutflowReason = rng.weighted([
                (.business, 62), (.restructured, 4), (.graduateUnknown, 8), (.employerChanged, 6),
                (.abroad, 2), (.residenceChanged, 12), (.other, 6),
            ])
            let left = today.adding(days: -rng.int(1...1100))
            let status: FlowState = rng.weighted([
                (.arrived, 55), (.away, 22), (.returned, 13), (.lost, 4), (.transferred, 2), (.arrived, 4),
            ])
            var flow = DemoFlow(
                memberIndex: i, status: status, leftOn: left,
                expectedReturnOn: rng.chance(0.4) ? left.adding(days: rng.int(90...720)) : nil,
                destinationCode: place.code, address: rng.pick(streets) + "\(rng.int(1...300))号",
                employer: (reason == .graduateUnknown
                    ? "待业" : divisions.fullName(place.code).suffix(3) + rng.pick(employersAway)),
                occupation: rng.pick(occupations), reason: reason, inflowOrgCode: nil, arrivedOn: nil, returnedOn: nil,
                lastContactOn: today.adding(days: -rng.int(0...150)), overdueSince: nil, lostCandidateSince: nil)
            switch status {
            case .arrived:
                let arrived = left.adding(days: rng.int(2...25))
                flow.arrivedOn = min(arrived, today)
                if hub >= 0, !hubs[hub].inflow.isEmpty, rng.chance(0.45) {
                    flow.inflowOrgCode = rng.pick(hubs[hub].inflow)
                }
            case .away:
                // Those who left more than 30 days ago without reporting are overdue.
                if today.adding(days: -30) > left { flow.overdueSince = left.adding(days: 31) }
            case .returned:
                flow.returnedOn = min(today, left.adding(days: rng.int(60...700)))
                flow.lastContactOn = flow.returnedOn!
            case .lost:
                flow.lastContactOn = left.adding(days: rng.int(0...20))
                if flow.lastContactOn > today.adding(days: -200) {
                    flow.lastContactOn = today.adding(days: -rng.int(200...700))
                }
            case .transferred, .ended:
                break
            }
            // Some still counted as away or arrived have gone silent: lost-contact candidates for the branch to confirm.
            if status == .arrived || status == .away, rng.chance(0.05) {
                flow.lastContactOn = today.adding(days: -rng.int(190...500))
                if flow.lastContactOn < left { flow.lastContactOn = left }
                flow.lostCandidateSince =
                    flow.lastContactOn.adding(days: 183) > today ? nil : flow.lastContactOn.adding(days: 183)
            }
            if flow.lastContactOn < left { flow.lastContactOn = left }
            flows.append(flow)
        }
        // Pending leaving reports from members who have no flow yet, a few in every branch's queue.
        let flowing = Set(flows.map(\.memberIndex))
        var byBranch: [String: [Int]] = [:]
        for (i, m) in members.enumerated() where !flowing.contains(i) { byBranch[m.branchCode, default: []].append(i) }
        var reports: [DemoReport] = []
        for code in byBranch.keys.sorted() {
            var pool = byBranch[code]!
            pool.shuffle(using: &rng)
            for i in pool.prefix(rng.int(pendingPerBranch)) {
                let hub = rng.int(0...(hubs.count - 1))
                let place = rng.pick(hubCounties[hub])
                reports.append(
                    DemoReport(
                        memberIndex: i, receipt: Receipt.make(using: &rng), destinationCode: place.code,
                        address: rng.pick(streets) + "\(rng.int(1...300))号",
                        employer: rng.pick(employersAway),
                        reason: rng.weighted([(.business, 70), (.residenceChanged, 20), (.other, 10)]),
                        leftOn: today.adding(days: -rng.int(0...20))))
            }
        }
        return (flows, reports)
    }
}
