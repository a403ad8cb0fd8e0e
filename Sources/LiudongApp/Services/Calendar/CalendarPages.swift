import Fluent
import LiudongCore
import Vapor

/// The city's working-day calendar (holidays on weekdays, weekend days worked), the deadlines of requests, and the
/// legal service stations: kept by the city's administrator.
struct CalendarPages {
    func boot(_ r: FeatureRoutes) throws {
        let keep = r.signedIn(.manageServiceSettings)
        keep.get("requests", "calendar", use: page)
        keep.post("requests", "calendar", use: saveDay)
        keep.post("requests", "calendar", "remove", use: removeDay)
        keep.post("requests", "settings", use: saveSettings)
        keep.post("requests", "stations", use: saveStation)
        keep.post("requests", "stations", "remove", use: removeStation)
    }

    /// The calendar and settings are the city's: a county's administrator gets 403.
    static func cityOnly(_ req: Request) throws -> CurrentUser {
        let user = try req.user
        guard user.scopeLevel == .city, !user.isInflowSide else { throw AppError.forbidden }
        return user
    }

    func page(req: Request) async throws -> Response {
        _ = try Self.cityOnly(req)
        let today = AppClock.today
        let year =
            (try? req.query.get(Int.self, at: "year")).flatMap { (2000...2100).contains($0) ? $0 : nil }
            ?? today.year
        let days = try await CalendarStore.calendarDays(year: year, on: req.db)
        struct Day: Encodable {
            var day: String
            var kind: String
            var name: String
        }
        struct Station: Encodable {
            var code: String
            var name: String
            var area: String
        }
        var stations: [Station] = []
        for (s, org) in try await CalendarStore.stations(on: req.db) {
            stations.append(
                Station(
                    code: org.code, name: org.shortName,
                    area: "\(s.areaCode) \(Divisions.shared.slashedName(s.areaCode))"))
        }
        struct View: Encodable {
            var year: Int
            var previous: Int
            var next: Int
            var days: [Day]
            var settings: ServiceDeadlines
            var stations: [Station]
            var example: String
        }
        let calendar = try await CalendarStore.calendar(on: req.db)
        let limits = try await RequestActions.deadlines(on: req.db)
        return try await req.page(
            "services/calendar", title: "工作日历与办理时限",
            View(
                year: year, previous: year - 1, next: year + 1,
                days: days.map {
                    Day(day: $0.id ?? "", kind: $0.kind.label, name: $0.name)
                },
                settings: limits, stations: stations.sorted { $0.code < $1.code },
                example:
                    "今天（\(today.description)）提交的诉求：\(calendar.adding(workingDays: limits.acknowledgeDays, to: today).description)前受理，\(calendar.adding(workingDays: limits.answerDays, to: today).description)前答复"
            ))
    }

    struct DayForm: Content {
        var day: String?
        var kind: String?
        var name: String?
    }

    func saveDay(req: Request) async throws -> Response {
        _ = try Self.cityOnly(req)
        let f = try req.content.decode(DayForm.self)
        return try await req.act(back: "/requests/calendar") {
            let day = try await CalendarActions.saveDay(day: f.day, kind: f.kind, name: f.name, as: try req.acting)
            return "已保存\(day.description)"
        }
    }

    func removeDay(req: Request) async throws -> Response {
        _ = try Self.cityOnly(req)
        let f = try req.content.decode(DayForm.self)
        return try await req.act(back: "/requests/calendar") {
            let day = try await CalendarActions.removeDay(f.day, as: try req.acting)
            return "已删除\(day.description)，按周一至周五上班计算"
        }
    }

    struct SettingsForm: Content {
        var acknowledgeDays: String?
        var answerDays: String?
        var reopenDays: String?
        var autoCloseDays: String?
    }

    func saveSettings(req: Request) async throws -> Response {
        _ = try Self.cityOnly(req)
        let f = try req.content.decode(SettingsForm.self)
        return try await req.act(back: "/requests/calendar") {
            let d = try WorkCalendarRules.deadlines(
                acknowledgeDays: f.acknowledgeDays, answerDays: f.answerDays, reopenDays: f.reopenDays,
                autoCloseDays: f.autoCloseDays
            ).orThrow()
            try await CalendarActions.saveDeadlines(d, as: try req.acting)
            return "已保存，新提交的诉求按新时限计算"
        }
    }

    struct StationForm: Content {
        var org: String?
        var area: String?
    }

    func saveStation(req: Request) async throws -> Response {
        _ = try Self.cityOnly(req)
        let f = try req.content.decode(StationForm.self)
        return try await req.act(back: "/requests/calendar") {
            let org = try await CalendarActions.saveStation(org: f.org, area: f.area, as: try req.acting)
            return "已设\(org.shortName)为法律服务站"
        }
    }

    func removeStation(req: Request) async throws -> Response {
        _ = try Self.cityOnly(req)
        let f = try req.content.decode(StationForm.self)
        return try await req.act(back: "/requests/calendar") {
            try await CalendarActions.removeStation(org: f.org, as: try req.acting)
            return "已取消"
        }
    }
}
