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
        let days = try await WorkCalendarDay.query(on: req.db).filter(\.$id >= "\(year)-01-01")
            .filter(\.$id <= "\(year)-12-31").sort(\.$id).all()
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
        for s in try await ServiceStation.query(on: req.db).all() {
            guard let org = try await Organization.find(s.id, on: req.db) else { continue }
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
        let calendar = try await RequestActions.calendar(on: req.db)
        let limits = try await RequestActions.deadlines(on: req.db)
        return try await req.page(
            "services/calendar", title: "工作日历与办理时限",
            View(
                year: year, previous: year - 1, next: year + 1,
                days: days.map {
                    Day(day: $0.id ?? "", kind: $0.kind == "workday" ? "调休上班" : "放假", name: $0.name)
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
        let user = try Self.cityOnly(req)
        let f = try req.content.decode(DayForm.self)
        return try await req.act(back: "/requests/calendar") {
            guard let day = f.day.flatMap({ CalendarDate($0) }) else {
                throw AppError.invalid([FieldError("day", "请选择日期")])
            }
            guard let kind = f.kind, kind == "holiday" || kind == "workday" else {
                throw AppError.invalid([FieldError("kind", "请选择放假或调休上班")])
            }
            guard let name = Normalize.text(f.name), name.count <= 20 else {
                throw AppError.invalid([FieldError("name", "请写明节日名称（不超过20字）")])
            }
            if kind == "workday", !WorkCalendar.isWeekend(day) {
                throw AppError.invalid([FieldError("kind", "\(day.description)本来就是工作日，调休上班只用于周六、周日")])
            }
            if kind == "holiday", WorkCalendar.isWeekend(day) {
                throw AppError.invalid([FieldError("kind", "\(day.description)是周末，本来就不上班；只需登记工作日放假")])
            }
            let d = try await WorkCalendarDay.find(day.description, on: req.db) ?? WorkCalendarDay()
            d.id = day.description
            d.kind = kind
            d.name = name
            d.updatedBy = user.username
            try await d.save(on: req.db)
            try await req.audit(
                .update, "work-calendar", ref: day.description,
                summary: "工作日历：\(day.description)\(kind == "workday" ? "调休上班" : "放假")（\(name)）")
            return "已保存\(day.description)"
        }
    }

    func removeDay(req: Request) async throws -> Response {
        _ = try Self.cityOnly(req)
        let f = try req.content.decode(DayForm.self)
        return try await req.act(back: "/requests/calendar") {
            guard let day = f.day.flatMap({ CalendarDate($0) }),
                let d = try await WorkCalendarDay.find(day.description, on: req.db)
            else { throw AppError.conflict("日历上没有这一天") }
            try await d.delete(on: req.db)
            try await req.audit(.delete, "work-calendar", ref: day.description, summary: "工作日历：删除\(day.description)")
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
        let user = try Self.cityOnly(req)
        let f = try req.content.decode(SettingsForm.self)
        return try await req.act(back: "/requests/calendar") {
            func n(_ s: String?) -> Int { s.flatMap { Int($0.trimmingCharacters(in: .whitespaces)) } ?? 0 }
            let d = ServiceDeadlines(
                acknowledgeDays: n(f.acknowledgeDays), answerDays: n(f.answerDays), reopenDays: n(f.reopenDays),
                autoCloseDays: n(f.autoCloseDays))
            let problems = d.problems()
            guard problems.isEmpty else { throw AppError.invalid(problems.map { FieldError($0.field, $0.message) }) }
            let s = try await ServiceSettings.find(1, on: req.db) ?? ServiceSettings()
            s.id = 1
            s.acknowledgeDays = d.acknowledgeDays
            s.answerDays = d.answerDays
            s.reopenDays = d.reopenDays
            s.autoCloseDays = d.autoCloseDays
            s.updatedBy = user.username
            try await s.save(on: req.db)
            try await req.audit(
                .update, "service-settings",
                summary: "诉求时限：受理\(d.acknowledgeDays)个工作日，答复\(d.answerDays)个工作日，办结后\(d.reopenDays)天内可重新办理")
            return "已保存，新提交的诉求按新时限计算"
        }
    }

    struct StationForm: Content {
        var org: String?
        var area: String?
    }

    func saveStation(req: Request) async throws -> Response {
        let user = try Self.cityOnly(req)
        let f = try req.content.decode(StationForm.self)
        return try await req.act(back: "/requests/calendar") {
            let code = OrgCode.clean(f.org)
            guard let org = try await Organization.query(on: req.db).filter(\.$code == code).first(),
                org.closedAt == nil
            else { throw AppError.invalid([FieldError("org", "没有这个组织代码")]) }
            let area = Normalize.text(f.area) ?? String(org.divisionCode.prefix(6))
            guard area.count == 6 || area.count == 4 || area.count == 2, area.utf8.allSatisfy({ $0 >= 48 && $0 <= 57 })
            else { throw AppError.invalid([FieldError("area", "服务地区应为2、4或6位行政区划代码")]) }
            guard try await RequestActions.hasAccount(org.id!, on: req.db) else {
                throw AppError.invalid([FieldError("org", "\(org.shortName)还没有可用账号，先开通账号才能接收法律援助诉求")])
            }
            let s = try await ServiceStation.find(org.id, on: req.db) ?? ServiceStation()
            s.id = org.id
            s.role = "legal"
            s.areaCode = area
            s.createdBy = user.username
            try await s.save(on: req.db)
            try await req.audit(
                .update, "service-station", ref: org.code, summary: "设\(org.shortName)为法律服务站，服务地区\(area)")
            return "已设\(org.shortName)为法律服务站"
        }
    }

    func removeStation(req: Request) async throws -> Response {
        _ = try Self.cityOnly(req)
        let f = try req.content.decode(StationForm.self)
        return try await req.act(back: "/requests/calendar") {
            let code = OrgCode.clean(f.org)
            guard let org = try await Organization.query(on: req.db).filter(\.$code == code).first(),
                let s = try await ServiceStation.find(org.id, on: req.db)
            else { throw AppError.conflict("没有这个法律服务站") }
            try await s.delete(on: req.db)
            try await req.audit(.delete, "service-station", ref: org.code, summary: "取消\(org.shortName)的法律服务站")
            return "已取消"
        }
    }
}
