import Foundation

/// A calendar quarter, written `2026Q2`.
public struct Quarter: Hashable, Comparable, Codable, Sendable, CustomStringConvertible {
    public let year: Int
    public let number: Int

    public init?(year: Int, number: Int) {
        guard (1900...9999).contains(year), (1...4).contains(number) else { return nil }
        self.year = year
        self.number = number
    }

    public init?(_ text: String) {
        let s = text.trimmingCharacters(in: .whitespaces).uppercased()
        let parts = s.split(separator: "Q", omittingEmptySubsequences: false)
        guard parts.count == 2, parts[0].count == 4, parts[1].count == 1,
            let y = Int(parts[0]), let n = Int(parts[1])
        else { return nil }
        self.init(year: y, number: n)
    }

    public init(containing day: CalendarDate) {
        self.year = day.year
        self.number = (day.month - 1) / 3 + 1
    }

    /// The quarter of `now`; this quarter itself is `AppClock.quarter`.
    public static func current(now: Date) -> Quarter { Quarter(containing: .today(now: now)) }

    public var firstDay: CalendarDate { CalendarDate(year: year, month: (number - 1) * 3 + 1, day: 1)! }
    public var lastDay: CalendarDate {
        let m = number * 3
        return CalendarDate(year: year, month: m, day: CalendarDate.daysIn(year: year, month: m))!
    }
    public func contains(_ day: CalendarDate) -> Bool { firstDay <= day && day <= lastDay }
    /// The following quarter; nil past 9999Q4.
    public var next: Quarter? {
        number == 4 ? Quarter(year: year + 1, number: 1) : Quarter(year: year, number: number + 1)
    }
    /// The quarter before; nil before 1900Q1.
    public var previous: Quarter? {
        number == 1 ? Quarter(year: year - 1, number: 4) : Quarter(year: year, number: number - 1)
    }

    public var description: String { "\(year)Q\(number)" }
    /// 2026年第二季度
    public var chinese: String { "\(year)年第\(["一", "二", "三", "四"][number - 1])季度" }

    public static func < (a: Quarter, b: Quarter) -> Bool { (a.year, a.number) < (b.year, b.number) }

    public init(from decoder: Decoder) throws {
        let s = try decoder.singleValueContainer().decode(String.self)
        guard let q = Quarter(s) else {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: "季度格式应为2026Q2"))
        }
        self = q
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.singleValueContainer()
        try c.encode(description)
    }
}
