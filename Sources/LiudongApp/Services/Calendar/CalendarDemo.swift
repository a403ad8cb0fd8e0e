import Fluent
import Foundation
import LiudongCore

/// The demo's calendar: this year's holidays and adjusted working days, as the city enters them on
/// `/requests/calendar` (loaded before the demo's requests, whose deadlines count in working days).
enum CalendarDemo {
    /// 2026 as announced (国办发明电〔2025〕7号, to be checked against each year's notice): weekdays off and weekend
    /// days worked.
    static let holidays2026: [(String, String, String)] = [
        ("元旦", "2026-01-01", "2026-01-03"), ("春节", "2026-02-15", "2026-02-23"), ("清明节", "2026-04-04", "2026-04-06"),
        ("劳动节", "2026-05-01", "2026-05-05"), ("端午节", "2026-06-19", "2026-06-21"), ("中秋节", "2026-09-25", "2026-09-27"),
        ("国庆节", "2026-10-01", "2026-10-07"),
    ]
    static let workdays2026: [(String, String)] = [
        ("元旦", "2026-01-04"), ("春节", "2026-02-14"), ("春节", "2026-02-28"), ("劳动节", "2026-05-09"),
        ("国庆节", "2026-09-20"), ("国庆节", "2026-10-10"),
    ]

    static func load(_ demo: DemoContext) async throws {
        let db = demo.db
        for (name, from, to) in holidays2026 {
            guard var day = CalendarDate(from), let end = CalendarDate(to) else { continue }
            while day <= end {
                if !WorkCalendar.isWeekend(day) { try await add(day, .holiday, name, db) }
                day = WorkCalendar.next(day)
            }
        }
        for (name, d) in workdays2026 {
            if let day = CalendarDate(d), WorkCalendar.isWeekend(day) { try await add(day, .workday, name, db) }
        }
    }

    private static func add(_ day: CalendarDate, _ kind: CalendarDayKind, _ name: String, _ db: Database) async throws {
        let d = WorkCalendarDay()
        d.id = day.description
        d.kind = kind
        d.name = name
        d.updatedBy = DemoAuthor.username
        try await d.create(on: db)
    }
}
