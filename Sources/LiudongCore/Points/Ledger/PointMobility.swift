import Foundation

/// When a member was mobile in a year, in months: who is ranked is whoever was mobile at any time in the year, their
/// facts count in the months they were mobile, and the band lines are pro-rated by those months — so a member who came
/// home in November keeps the year's points and is measured against eleven months, not twelve.
///
/// The months are 12 bits, bit 0 January: a month counts when the member was mobile on any day of it.
public enum PointMobility {
    /// Every month (an open flow whose start is not known).
    public static let wholeYear = 0xFFF

    /// One stretch of mobility: the day the member left and the day they came back (nil while still away).
    public struct Span: Sendable, Equatable {
        public var from: CalendarDate
        public var to: CalendarDate?

        public init(from: CalendarDate, to: CalendarDate?) {
            self.from = from
            self.to = to
        }
    }

    /// The months of `year` touched by any of `spans` (0 when none).
    public static func months(_ spans: [Span], year: Int) -> Int {
        var mask = 0
        for s in spans {
            if s.from.year > year { continue }
            if let to = s.to, to < s.from || to.year < year { continue }
            let first = s.from.year < year ? 1 : s.from.month
            let last = s.to.map { $0.year > year ? 12 : $0.month } ?? 12
            guard first <= last else { continue }
            for m in first...last { mask |= 1 << (m - 1) }
        }
        return mask & wholeYear
    }

    /// Whether `day` falls in a month the member was mobile.
    public static func covers(_ mask: Int, _ day: CalendarDate) -> Bool {
        (1...12).contains(day.month) && mask >> (day.month - 1) & 1 == 1
    }

    /// How many of the first `completed` months of the year (12 once it is over) the member was mobile: what the lines
    /// are pro-rated to.
    public static func counted(_ mask: Int, completed: Int) -> Int {
        let upTo = min(max(completed, 0), 12)
        return (mask & ((1 << upTo) - 1)).nonzeroBitCount
    }

    /// The facts of the months each member was mobile (a member not listed keeps none).
    public static func whileMobile(_ facts: [PointFact], months: [UUID: Int]) -> [PointFact] {
        facts.filter { f in months[f.member].map { covers($0, f.on) } ?? false }
    }

    /// The months in words, for a member's page: "全年" or "3月—11月" or "1月、3月—5月".
    public static func label(_ mask: Int) -> String {
        let m = mask & wholeYear
        if m == wholeYear { return "全年" }
        if m == 0 { return "无" }
        var parts: [String] = []
        var month = 1
        while month <= 12 {
            guard m >> (month - 1) & 1 == 1 else {
                month += 1
                continue
            }
            var end = month
            while end < 12, m >> end & 1 == 1 { end += 1 }
            parts.append(end == month ? "\(month)月" : "\(month)月—\(end)月")
            month = end + 1
        }
        return parts.joined(separator: "、")
    }
}
