import Foundation

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

/// What a day on the city's calendar is: a weekday off (放假) or a weekend day worked (调休上班). The raw value is what
/// `work_calendar_days.kind` holds.
public enum CalendarDayKind: String, Codable, CaseIterable, Sendable {
    case holiday, workday

    public var label: String { self == .workday ? "调休上班" : "放假" }
}

/// The role of a service station; the raw value is what `service_stations.role` holds.
public enum StationRole: String, Codable, CaseIterable, Sendable {
    /// 法律服务站: takes legal aid, wage arrears and labour disputes of its area.
    case legal
}

/// The city's calendar and its service stations, as the city keeps them.
public enum WorkCalendarRules {
    /// A day to set apart: a real date, holiday on a weekday or workday on a weekend, with the festival's name.
    public static func day(_ raw: String?, kind: String?, name: String?) -> Result<
        (day: CalendarDate, kind: CalendarDayKind, name: String), RuleError
    > {
        guard let day = raw.flatMap({ CalendarDate($0) }) else { return .failure(.field("day", "请选择日期")) }
        guard let kind = kind.flatMap(CalendarDayKind.init(rawValue:)) else {
            return .failure(.field("kind", "请选择放假或调休上班"))
        }
        guard let name = Normalize.text(name), name.count <= 20 else {
            return .failure(.field("name", "请写明节日名称（不超过20字）"))
        }
        if kind == .workday, !WorkCalendar.isWeekend(day) {
            return .failure(.field("kind", "\(day.description)本来就是工作日，调休上班只用于周六、周日"))
        }
        if kind == .holiday, WorkCalendar.isWeekend(day) {
            return .failure(.field("kind", "\(day.description)是周末，本来就不上班；只需登记工作日放假"))
        }
        return .success((day, kind, name))
    }

    /// The area a station serves: a 2-, 4- or 6-digit division code prefix (the organization's county when empty).
    public static func stationArea(_ raw: String?, orgDivision: String) -> Result<String, RuleError> {
        let area = Normalize.text(raw) ?? String(orgDivision.prefix(6))
        guard area.count == 6 || area.count == 4 || area.count == 2, area.utf8.allSatisfy({ $0 >= 48 && $0 <= 57 })
        else { return .failure(.field("area", "服务地区应为2、4或6位行政区划代码")) }
        return .success(area)
    }

    /// The deadlines from the settings form (a blank or unreadable figure reads as 0 and is refused).
    public static func deadlines(
        acknowledgeDays: String?, answerDays: String?, reopenDays: String?, autoCloseDays: String?
    ) -> Result<ServiceDeadlines, RuleError> {
        func n(_ s: String?) -> Int { s.flatMap { Int($0.trimmingCharacters(in: .whitespaces)) } ?? 0 }
        let d = ServiceDeadlines(
            acknowledgeDays: n(acknowledgeDays), answerDays: n(answerDays), reopenDays: n(reopenDays),
            autoCloseDays: n(autoCloseDays))
        let problems = d.problems()
        guard problems.isEmpty else { return .failure(.invalid(problems.map { RuleProblem($0.field, $0.message) })) }
        return .success(d)
    }
}
