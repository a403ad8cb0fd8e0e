import Fluent
import LiudongCore
import Vapor

/// The city's working-day calendar, its request deadlines and its legal service stations: checked by
/// `WorkCalendarRules`, stored, audited. Only a city account keeps them (`CalendarPages.cityOnly`).
enum CalendarActions {
    static func saveDay(day raw: String?, kind: String?, name: String?, as a: Acting) async throws -> CalendarDate {
        let (day, kind, name) = try WorkCalendarRules.day(raw, kind: kind, name: name).orThrow()
        let d = try await WorkCalendarDay.find(day.description, on: a.db) ?? WorkCalendarDay()
        d.id = day.description
        d.kind = kind
        d.name = name
        d.updatedBy = a.name
        try await d.save(on: a.db)
        try await a.audit(
            .update, "work-calendar", ref: day.description, summary: "工作日历：\(day.description)\(kind.label)（\(name)）")
        return day
    }

    static func removeDay(_ raw: String?, as a: Acting) async throws -> CalendarDate {
        guard let day = raw.flatMap({ CalendarDate($0) }),
            let d = try await WorkCalendarDay.find(day.description, on: a.db)
        else { throw AppError.conflict("日历上没有这一天") }
        try await d.delete(on: a.db)
        try await a.audit(.delete, "work-calendar", ref: day.description, summary: "工作日历：删除\(day.description)")
        return day
    }

    static func saveDeadlines(_ d: ServiceDeadlines, as a: Acting) async throws {
        let s = try await ServiceSettings.find(1, on: a.db) ?? ServiceSettings()
        s.id = 1
        s.acknowledgeDays = d.acknowledgeDays
        s.answerDays = d.answerDays
        s.reopenDays = d.reopenDays
        s.autoCloseDays = d.autoCloseDays
        s.updatedBy = a.name
        try await s.save(on: a.db)
        try await a.audit(
            .update, "service-settings",
            summary: "诉求时限：受理\(d.acknowledgeDays)个工作日，答复\(d.answerDays)个工作日，办结后\(d.reopenDays)天内可重新办理")
    }

    /// Makes an open organization with an account the legal service station of an area.
    static func saveStation(org code: String?, area: String?, as a: Acting) async throws -> Organization {
        guard let org = try await OrgTree.organization(code: OrgCode.clean(code), on: a.db), org.closedAt == nil
        else { throw AppError.invalid([FieldError("org", "没有这个组织代码")]) }
        let area = try WorkCalendarRules.stationArea(area, orgDivision: org.divisionCode).orThrow()
        guard try await CalendarStore.hasAccount(org.requireID(), on: a.db) else {
            throw AppError.invalid([FieldError("org", "\(org.shortName)还没有可用账号，先开通账号才能接收法律援助诉求")])
        }
        let s = try await ServiceStation.find(org.id, on: a.db) ?? ServiceStation()
        s.id = org.id
        s.purpose = .legal
        s.areaCode = area
        s.createdBy = a.name
        try await s.save(on: a.db)
        try await a.audit(
            .update, "service-station", ref: org.code, summary: "设\(org.shortName)为法律服务站，服务地区\(area)")
        return org
    }

    static func removeStation(org code: String?, as a: Acting) async throws {
        guard let org = try await OrgTree.organization(code: OrgCode.clean(code), on: a.db),
            let s = try await ServiceStation.find(org.id, on: a.db)
        else { throw AppError.conflict("没有这个法律服务站") }
        try await s.delete(on: a.db)
        try await a.audit(.delete, "service-station", ref: org.code, summary: "取消\(org.shortName)的法律服务站")
    }
}
