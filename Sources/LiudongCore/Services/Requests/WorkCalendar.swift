/// Working days (工作日) as the city keeps them: Monday to Friday, except public holidays (法定节假日) and with the
/// weekend days the State Council makes working days (调休上班). Deadlines of the service mechanisms count in these.
public struct WorkCalendar: Sendable, Equatable {
    /// Weekdays off.
    public var holidays: Set<CalendarDate>
    /// Weekend days worked.
    public var workdays: Set<CalendarDate>

    public init(holidays: Set<CalendarDate> = [], workdays: Set<CalendarDate> = []) {
        self.holidays = holidays
        self.workdays = workdays
    }

    /// 0 Sunday … 6 Saturday (Sakamoto's method: plain arithmetic on the proleptic Gregorian calendar).
    public static func weekday(_ d: CalendarDate) -> Int {
        let t = [0, 3, 2, 5, 0, 3, 5, 1, 4, 6, 2, 4]
        let y = d.month < 3 ? d.year - 1 : d.year
        return (y + y / 4 - y / 100 + y / 400 + t[d.month - 1] + d.day) % 7
    }

    public static func isWeekend(_ d: CalendarDate) -> Bool {
        let w = weekday(d)
        return w == 0 || w == 6
    }

    public func isWorkingDay(_ d: CalendarDate) -> Bool {
        if workdays.contains(d) { return true }
        if holidays.contains(d) { return false }
        return !Self.isWeekend(d)
    }

    /// The day after `d` (no time zone or Foundation calendar involved).
    public static func next(_ d: CalendarDate) -> CalendarDate {
        if let n = CalendarDate(year: d.year, month: d.month, day: d.day + 1) { return n }
        if let n = CalendarDate(year: d.year, month: d.month + 1, day: 1) { return n }
        return CalendarDate(year: min(d.year + 1, 9999), month: 1, day: 1) ?? d
    }

    /// The `n`-th working day after `d` (the day itself does not count: a request raised on Friday with 2 working
    /// days to acknowledge is due on Tuesday). `n` ≤ 0 gives `d`. Never loops forever: a calendar with no working day
    /// in ten years ends there.
    public func adding(workingDays n: Int, to d: CalendarDate) -> CalendarDate {
        guard n > 0 else { return d }
        var day = d
        var left = min(n, 3_650)
        var steps = 0
        while left > 0, steps < 3_660 {
            day = Self.next(day)
            steps += 1
            if isWorkingDay(day) { left -= 1 }
        }
        return day
    }

    /// Working days after `from` up to and including `to` (0 when `to` is not after `from`).
    public func workingDays(after from: CalendarDate, through to: CalendarDate) -> Int {
        var day = from
        var n = 0
        var steps = 0
        while day < to, steps < 3_660 {
            day = Self.next(day)
            steps += 1
            if isWorkingDay(day) { n += 1 }
        }
        return n
    }
}
