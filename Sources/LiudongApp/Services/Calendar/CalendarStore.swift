import Fluent
import LiudongCore
import Vapor

/// Every query of the city's calendar and settings: the working-day calendar, the request deadlines, the legal
/// service stations, and whether an organization has an account that can act for it.
enum CalendarStore {
    static func deadlines(on db: Database) async throws -> ServiceDeadlines {
        try await ServiceSettings.find(1, on: db)?.deadlines ?? ServiceDeadlines()
    }

    static func calendar(on db: Database) async throws -> WorkCalendar {
        var c = WorkCalendar()
        for d in try await WorkCalendarDay.query(on: db).all() {
            guard let day = d.id.flatMap({ CalendarDate($0) }) else { continue }
            if d.kind == .workday { c.workdays.insert(day) } else { c.holidays.insert(day) }
        }
        return c
    }

    /// Whether an organization has an account that can act for it (not disabled).
    static func hasAccount(_ org: Int, on db: Database) async throws -> Bool {
        try await Account.query(on: db).filter(\.$organizationID == org).filter(\.$disabledAt == nil).count() > 0
    }

    /// The calendar's days of a year, in order.
    static func calendarDays(year: Int, on db: Database) async throws -> [WorkCalendarDay] {
        try await WorkCalendarDay.query(on: db).filter(\.$id >= "\(year)-01-01").filter(\.$id <= "\(year)-12-31")
            .sort(\.$id).all()
    }

    /// Every service station with its organization (gone ones left out).
    static func stations(on db: Database) async throws -> [(ServiceStation, Organization)] {
        var out: [(ServiceStation, Organization)] = []
        for s in try await ServiceStation.query(on: db).all() {
            guard let org = try await Organization.find(s.id, on: db) else { continue }
            out.append((s, org))
        }
        return out
    }
}
