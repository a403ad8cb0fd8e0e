import Foundation

/// A calendar day without time or zone, written `YYYY-MM-DD`; "today" is taken in Asia/Shanghai.
public struct CalendarDate: Hashable, Comparable, Codable, Sendable, CustomStringConvertible {
    public let year: Int, month: Int, day: Int

    public static let shanghai = TimeZone(identifier: "Asia/Shanghai")!
    /// Built once: creating a Calendar is costly on Linux and dates are computed on hot paths.
    public static let calendar: Calendar = {
        var c = Calendar(identifier: .gregorian)
        c.timeZone = shanghai
        return c
    }()

    public init?(year: Int, month: Int, day: Int) {
        guard (1...9999).contains(year), (1...12).contains(month), day >= 1,
            day <= CalendarDate.daysIn(year: year, month: month)
        else { return nil }
        self.year = year
        self.month = month
        self.day = day
    }

    /// Parses `YYYY-MM-DD`.
    public init?(_ iso: String) {
        // Fast path: exactly yyyy-mm-dd (every stored date), read straight from the bytes.
        let utf8 = iso.utf8
        if utf8.count == 10,
            let fast = utf8.withContiguousStorageIfAvailable({ b -> (Int, Int, Int)? in
                func digits(_ from: Int, _ to: Int) -> Int? {
                    var n = 0
                    for i in from..<to {
                        guard b[i] >= 48 && b[i] <= 57 else { return nil }
                        n = n * 10 + Int(b[i] - 48)
                    }
                    return n
                }
                guard b[4] == 45, b[7] == 45, let y = digits(0, 4), let m = digits(5, 7), let d = digits(8, 10) else {
                    return nil
                }
                return (y, m, d)
            }), let (y, m, d) = fast
        {
            self.init(year: y, month: m, day: d)
            return
        }
        let parts = iso.trimmingCharacters(in: .whitespaces).split(separator: "-")
        guard parts.count == 3, parts[0].count == 4, let y = Int(parts[0]), let m = Int(parts[1]), let d = Int(parts[2])
        else { return nil }
        self.init(year: y, month: m, day: d)
    }

    /// Parses `YYYYMMDD`.
    public init?(compact s: String) {
        guard s.count == 8, s.allSatisfy({ $0.isASCII && $0.isNumber }) else { return nil }
        let c = Array(s)
        self.init(year: Int(String(c[0..<4]))!, month: Int(String(c[4..<6]))!, day: Int(String(c[6..<8]))!)
    }

    public init(date: Date) {
        let comps = CalendarDate.calendar.dateComponents([.year, .month, .day], from: date)
        self.year = comps.year!
        self.month = comps.month!
        self.day = comps.day!
    }

    /// The day of `now` in Asia/Shanghai; today itself is `AppClock.today`.
    public static func today(now: Date) -> CalendarDate { CalendarDate(date: now) }

    public static func isLeap(_ y: Int) -> Bool { (y % 4 == 0 && y % 100 != 0) || y % 400 == 0 }
    public static func daysIn(year: Int, month: Int) -> Int {
        switch month {
        case 2: return isLeap(year) ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }

    public var description: String { digits(separator: 45) }
    public var compact: String { digits(separator: nil) }

    /// yyyy-mm-dd without Foundation's formatter (dates are written once per row in imports and exports).
    private func digits(separator: UInt8?) -> String {
        var b: [UInt8] = []
        b.reserveCapacity(10)
        let y = year
        b.append(contentsOf: [
            UInt8(48 + (y / 1000) % 10), UInt8(48 + (y / 100) % 10), UInt8(48 + (y / 10) % 10), UInt8(48 + y % 10),
        ])
        if let separator { b.append(separator) }
        b.append(UInt8(48 + month / 10))
        b.append(UInt8(48 + month % 10))
        if let separator { b.append(separator) }
        b.append(UInt8(48 + day / 10))
        b.append(UInt8(48 + day % 10))
        return String(decoding: b, as: UTF8.self)
    }
    /// 2001年7月1日
    public var chinese: String { "\(year)年\(month)月\(day)日" }

    /// Midnight at the start of this day in Asia/Shanghai.
    public var startDate: Date {
        CalendarDate.calendar.date(from: DateComponents(year: year, month: month, day: day))!
    }

    public func adding(days: Int) -> CalendarDate {
        CalendarDate(date: CalendarDate.calendar.date(byAdding: .day, value: days, to: startDate)!)
    }

    /// Days from `other` to this date (negative when `other` is later).
    public func daysSince(_ other: CalendarDate) -> Int {
        CalendarDate.calendar.dateComponents([.day], from: other.startDate, to: startDate).day ?? 0
    }

    /// Whole years from this date to `other` (an age when self is a birth date).
    public func years(until other: CalendarDate) -> Int {
        var y = other.year - year
        if (other.month, other.day) < (month, day) { y -= 1 }
        return y
    }

    public static func < (a: CalendarDate, b: CalendarDate) -> Bool {
        (a.year, a.month, a.day) < (b.year, b.month, b.day)
    }

    public init(from decoder: Decoder) throws {
        let s = try decoder.singleValueContainer().decode(String.self)
        guard let d = CalendarDate(s) else {
            throw DecodingError.dataCorrupted(
                .init(codingPath: decoder.codingPath, debugDescription: "日期格式应为YYYY-MM-DD"))
        }
        self = d
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.singleValueContainer()
        try c.encode(description)
    }
}
