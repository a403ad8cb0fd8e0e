import Foundation

/// A calendar month, written `2026-11` (how dues are counted: every month is due, paid or not).
public struct YearMonth: Hashable, Comparable, Codable, Sendable, CustomStringConvertible {
    public let year: Int
    public let month: Int

    public init?(year: Int, month: Int) {
        guard (1900...9999).contains(year), (1...12).contains(month) else { return nil }
        self.year = year
        self.month = month
    }

    /// `2026-11`, `2026-1`, `2026/11`, `202611`, `2026年11月` (what a dues book may hold); nil for anything else.
    public init?(_ text: String) {
        var s = text.trimmingCharacters(in: .whitespaces)
        guard s.count <= 12 else { return nil }
        s = s.replacingOccurrences(of: "年", with: "-").replacingOccurrences(of: "月", with: "")
            .replacingOccurrences(of: "/", with: "-").replacingOccurrences(of: ".", with: "-")
        let parts = s.split(separator: "-", omittingEmptySubsequences: false)
        if parts.count == 1, s.count == 6, s.allSatisfy(\.isASCII), let y = Int(s.prefix(4)), let m = Int(s.suffix(2)) {
            self.init(year: y, month: m)
            return
        }
        guard parts.count == 2, parts[0].count == 4, (1...2).contains(parts[1].count),
            parts.joined().allSatisfy({ $0.isASCII && $0.isNumber }),
            let y = Int(parts[0]), let m = Int(parts[1])
        else { return nil }
        self.init(year: y, month: m)
    }

    public init(containing day: CalendarDate) {
        year = day.year
        month = day.month
    }

    /// The month of a day written `2026-11-05` (or its first seven characters).
    public init?(day text: String) {
        guard text.count >= 7 else { return nil }
        self.init(String(text.prefix(7)))
    }

    /// Months since year 0: a total order and the way to count months between two.
    public var index: Int { year * 12 + month - 1 }

    public init?(index: Int) { self.init(year: index / 12, month: index % 12 + 1) }

    /// The month `n` months later (earlier when negative); the same month past the supported years.
    public func adding(_ n: Int) -> YearMonth {
        let (sum, overflow) = index.addingReportingOverflow(n)
        guard !overflow else { return self }
        return YearMonth(index: sum) ?? self
    }

    public var next: YearMonth { adding(1) }
    public var previous: YearMonth { adding(-1) }

    /// The months from `self` through `last`, both included (empty when `last` is earlier).
    public func through(_ last: YearMonth) -> [YearMonth] {
        guard last >= self else { return [] }
        return (index...last.index).compactMap(YearMonth.init(index:))
    }

    public var firstDay: CalendarDate { CalendarDate(year: year, month: month, day: 1)! }
    public var lastDay: CalendarDate {
        CalendarDate(year: year, month: month, day: CalendarDate.daysIn(year: year, month: month))!
    }

    public var description: String { String(format: "%04d-%02d", year, month) }
    public var chinese: String { "\(year)年\(month)月" }

    public static func < (a: YearMonth, b: YearMonth) -> Bool { a.index < b.index }

    public init(from decoder: Decoder) throws {
        let s = try decoder.singleValueContainer().decode(String.self)
        guard let m = YearMonth(s) else {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: "月份应为 2026-11"))
        }
        self = m
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.singleValueContainer()
        try c.encode(description)
    }
}

/// Money as integer fen (分): never floating point.
public enum Fen {
    /// `1234` → `12.34`.
    public static func yuan(_ fen: Int) -> String {
        let sign = fen < 0 ? "-" : ""
        let a = fen.magnitude
        return "\(sign)\(a / 100).\(a % 100 < 10 ? "0" : "")\(a % 100)"
    }

    /// `12.34`, `12.3`, `12`, `¥12.34`, `12.34元`, `1,234.00` → fen; nil for anything else, a third decimal, or more
    /// than `limit` fen.
    public static func parse(_ text: String, limit: Int = 100_000_000) -> Int? {
        var s = text.trimmingCharacters(in: .whitespaces)
        guard !s.isEmpty, s.count <= 20 else { return nil }
        for junk in ["¥", "￥", "元", ","] { s = s.replacingOccurrences(of: junk, with: "") }
        let parts = s.split(separator: ".", omittingEmptySubsequences: false)
        guard (1...2).contains(parts.count), !parts[0].isEmpty, parts[0].count <= 9,
            parts.allSatisfy({ $0.allSatisfy { $0.isASCII && $0.isNumber } }),
            let whole = Int(parts[0])
        else { return nil }
        var cents = 0
        if parts.count == 2 {
            let f = parts[1]
            guard (1...2).contains(f.count), let v = Int(f) else { return nil }
            cents = f.count == 1 ? v * 10 : v
        }
        let fen = whole * 100 + cents
        return fen <= limit ? fen : nil
    }
}
