/// The decisions of rankings (评比): how much of the year the lines are pro-rated to, competition ranks (equal totals
/// share a rank, the next rank skips), members per band, and when a county may publish its year.
public enum PointRankingRules {
    /// Completed months of `year` seen on `today` (12 once the year is over). A member's lines are pro-rated to the
    /// months of these they were mobile (`PointMobility.counted`).
    public static func months(year: Int, today: CalendarDate) -> Int {
        year < today.year ? 12 : year > today.year ? 0 : today.month - 1
    }

    /// A ranking read from its distribution of totals (highest first, each with how many members have it): the
    /// members counted, the rank of each total, and members per band (in band order).
    public struct Ranks: Equatable, Sendable {
        public var count: Int
        public var rankOf: [Int: Int]
        public var bandCounts: [Int]

        /// The rank and band label of a total in this ranking.
        public func standing(_ total: Int, bands: PointBands, months: Int) -> (rank: Int, band: String) {
            let rank = rankOf[total] ?? count
            return (rank, bands.label(bands.band(rank: rank, count: count, total: total, months: months)))
        }
    }

    public static func ranks(distribution: [(total: Int, n: Int)], bands: PointBands, months: Int) -> Ranks {
        ranks(distribution: distribution.map { ($0.total, $0.n, months) }, bands: bands)
    }

    /// A ranking whose members are measured against their own months (`months`: the months each group of members
    /// was mobile among the completed ones, `PointMobility.counted`); equal totals share a rank whatever the months.
    public static func ranks(distribution: [(total: Int, n: Int, months: Int)], bands: PointBands) -> Ranks {
        let count = distribution.reduce(0) { $0 + max(0, $1.n) }
        var counts = [0, 0, 0, 0]
        var rankOf: [Int: Int] = [:]
        var above = 0
        let sorted = distribution.sorted { $0.total > $1.total }
        var i = 0
        while i < sorted.count {
            let total = sorted[i].total
            var same = 0
            while i < sorted.count, sorted[i].total == total {
                let d = sorted[i]
                counts[bands.band(rank: above + 1, count: count, total: total, months: d.months)] += max(0, d.n)
                same += max(0, d.n)
                i += 1
            }
            rankOf[total] = above + 1
            above += same
        }
        return Ranks(count: count, rankOf: rankOf, bandCounts: counts)
    }

    /// Competition ranks of totals already in descending order.
    public static func competitionRanks(_ totals: [Int]) -> [Int] {
        var out: [Int] = []
        out.reserveCapacity(totals.count)
        var rank = 0
        var previous: Int?
        for (i, t) in totals.enumerated() {
            if t != previous { rank = i + 1 }
            previous = t
            out.append(rank)
        }
        return out
    }

    /// Publishing a year (评比晾晒): from 2000 to last year, once, for a pilot county, with no claim or appeal of the
    /// year still waiting.
    public static func publish(
        year: Int, today: CalendarDate, county: String, published: Bool, enabled: Bool, waiting: Int
    ) -> Result<Void, RuleError> {
        // A year out of range (0 from an empty form) would freeze an empty publication.
        guard year >= 2000 else { return .failure(.field("year", "评比年度应为2000年至\(today.year - 1)年")) }
        guard year < today.year else { return .failure(.conflict("\(year)年尚未结束，年底之后才能公布评比结果")) }
        guard !published else { return .failure(.conflict("\(county)\(year)年的积分评比已经公布，公布后不再改变")) }
        guard enabled else { return .failure(.conflict("\(county)未参加积分制管理试点")) }
        guard waiting == 0 else { return .failure(.conflict("尚有待处理的积分申报或申诉，处理完后再公布")) }
        return .success(())
    }
}
