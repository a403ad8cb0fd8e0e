import Fluent
import Foundation
import LiudongCore

/// Lines of the national system's to-do list: written when a change is made here (a confirmed report, each transfer
/// step, an exit), ticked by staff with the day they entered it, or by the next national import that shows it.
enum NationalTodoActions {
    /// A change to enter for the member (the line belongs to the member's branch now).
    static func add(
        _ m: Member, _ change: NationalChange, _ detail: String, expect: NationalExpectation, today: CalendarDate,
        on db: Database
    ) async throws {
        let t = NationalTodo()
        t.memberID = try m.requireID()
        t.branchID = m.organizationID
        t.change = change
        t.detail = String(detail.prefix(200))
        t.expect = expect
        t.since = today.description
        try await t.create(on: db)
    }

    /// Staff say it was entered on a day.
    static func done(_ t: NationalTodo, on raw: String?, as a: Acting) async throws {
        guard t.doneOn == nil else { throw AppError.conflict("已标记为已录入") }
        let since = CalendarDate(t.since) ?? a.today
        let day = try NationalTodoRules.entered(on: raw ?? a.today.description, since: since, today: a.today).orThrow()
        t.doneOn = day.description
        t.doneBy = a.name
        try await t.update(on: a.db)
        try await a.audit(
            .update, "national-todo", ref: t.id!.uuidString, summary: "全国系统已录入：\(t.change.label) \(t.detail)")
    }

    /// After an import of `quarter` under `path`: every open line whose change the export shows is ticked; returns
    /// how many.
    @discardableResult
    static func tickFromImport(quarter: String, under path: String, today: CalendarDate, on db: Database) async throws
        -> Int
    {
        let shown = try await NationalTodoStore.sightings(quarter: quarter, under: path, on: db).filter { r in
            NationalTodoRules.shows(
                r.expect,
                NationalSighting(
                    present: r.nationalOrg != nil, isMobile: r.isMobile ?? false, inBranch: r.nationalOrg == r.branchID)
            )
        }.map(\.id)
        try await NationalTodoStore.tick(shown, on: today, by: "全国系统导入", on: db)
        return shown.count
    }
}
