import Foundation

/// The one clock of the whole app: every "now", "today" and "this quarter" is read here, never from `Date()`.
///
/// By default it is the system clock. `LIUDONG_TODAY=2026-12-31` moves it by whole days, so that today (Asia/Shanghai)
/// is that day and the time of day is the system's: a demo loaded by one process and served by the next agree on the
/// date and on the order of what they wrote, and a test suite, the demo or a browser test sees the same calendar on
/// any day it is run. `LIUDONG_TODAY=2026-12-31T23:59:30` starts the clock at that moment instead (when first read)
/// and runs it on from there, for what happens across midnight. `make lint` fails on a direct `Date()`, `.today()` or
/// `Quarter.current()` anywhere else.
public enum AppClock {
    /// What `LIUDONG_TODAY` asks for, parsed; nil for the system clock.
    public struct Setting: Equatable, Sendable, CustomStringConvertible {
        /// The day asked for.
        public let day: CalendarDate
        /// The moment asked for, when a time of day was given.
        public let moment: Date?
        public let text: String
        public var description: String { text }

        /// The seconds to add to the system time `system` for this setting.
        public func offset(at system: Date) -> TimeInterval {
            if let moment { return moment.timeIntervalSince(system) }
            return day.startDate.timeIntervalSince(CalendarDate(date: system).startDate)
        }
    }

    public enum Problem: Error, Equatable, CustomStringConvertible {
        case badValue(String)
        public var description: String {
            switch self {
            case .badValue(let v):
                return "LIUDONG_TODAY 应为 YYYY-MM-DD 或 YYYY-MM-DDTHH:MM（北京时间），收到“\(v)”"
            }
        }
    }

    /// Parses a `LIUDONG_TODAY` value: `YYYY-MM-DD` (a day) or `YYYY-MM-DDTHH:MM[:SS]` (a moment), Asia/Shanghai.
    public static func parse(_ raw: String) -> Result<Setting, Problem> {
        let text = raw.trimmingCharacters(in: .whitespaces)
        let parts = text.split(separator: "T", maxSplits: 1, omittingEmptySubsequences: false)
        guard text.utf8.count <= 19, let first = parts.first, let day = CalendarDate(String(first)) else {
            return .failure(.badValue(raw))
        }
        guard parts.count == 2 else { return .success(Setting(day: day, moment: nil, text: text)) }
        let (hour, minute, second): (Int, Int, Int)
        do {
            let hms = parts[1].split(separator: ":", omittingEmptySubsequences: false)
            guard (2...3).contains(hms.count),
                hms.allSatisfy({ $0.count == 2 && $0.allSatisfy { $0.isASCII && $0.isNumber } }),
                let h = Int(hms[0]), let m = Int(hms[1]), (0...23).contains(h), (0...59).contains(m)
            else { return .failure(.badValue(raw)) }
            let s = hms.count == 3 ? Int(hms[2]) ?? -1 : 0
            guard (0...59).contains(s) else { return .failure(.badValue(raw)) }
            (hour, minute, second) = (h, m, s)
        }
        let moment = day.startDate.addingTimeInterval(TimeInterval(hour * 3600 + minute * 60 + second))
        return .success(Setting(day: day, moment: moment, text: text))
    }

    private struct State {
        var setting: Setting?
        /// Seconds added to the system time (0 for the system clock).
        var offset: TimeInterval
    }

    private static let lock = NSLock()
    nonisolated(unsafe) private static var state: State = {
        guard let raw = ProcessInfo.processInfo.environment["LIUDONG_TODAY"], !raw.isEmpty,
            case .success(let s) = parse(raw)
        else { return State(setting: nil, offset: 0) }
        return State(setting: s, offset: s.offset(at: systemNow()))
    }()

    /// The system's time: read here and nowhere else.
    private static func systemNow() -> Date { Date() }

    /// Now, on the app's clock.
    public static var now: Date {
        let offset = lock.withLock { state.offset }
        return systemNow().addingTimeInterval(offset)
    }

    /// Today in Asia/Shanghai, on the app's clock.
    public static var today: CalendarDate { CalendarDate(date: now) }

    /// This calendar quarter, on the app's clock.
    public static var quarter: Quarter { Quarter(containing: today) }

    /// The system's own time, for what the system stamps itself: a file's modification time is on the system clock,
    /// whatever `LIUDONG_TODAY` says, so a file's age is measured against this, never against `now`.
    public static var system: Date { systemNow() }

    /// The system's own day, for saying how far the clock was moved.
    public static var systemToday: CalendarDate { CalendarDate(date: systemNow()) }

    /// The seconds the clock runs ahead of (or, negative, behind) the system's; 0 unless set.
    public static var offset: TimeInterval { lock.withLock { state.offset } }

    /// The setting in force (from `LIUDONG_TODAY` or `set`), nil when the clock is the system's.
    public static var setting: Setting? { lock.withLock { state.setting } }

    /// Moves the clock as `setting` says, from now on (nil: back to the system clock). For the app's start.
    public static func set(_ setting: Setting?) {
        let offset = setting.map { $0.offset(at: systemNow()) } ?? 0
        lock.withLock { state = State(setting: setting, offset: offset) }
    }
}
