import Fluent
import Foundation
import LiudongCore

/// Recording a 组织生活会's corrective items and their completion (`RectificationRules`), audited.
enum RectificationActions {
    @discardableResult
    static func add(what: String?, who: String?, dueOn: String?, event: OrgLifeEvent, as a: Acting) async throws
        -> Rectification
    {
        guard RectificationRules.records(event.kind) else { throw AppError.conflict("只有组织生活会记录整改事项") }
        let held = CalendarDate(event.heldOn) ?? a.today
        let item = try RectificationRules.item(what: what, who: who, dueOn: dueOn, heldOn: held).orThrow()
        let r = Rectification()
        r.eventID = event.id!
        r.orgID = event.orgID
        r.what = item.what
        r.who = item.who
        r.dueOn = item.dueOn.description
        r.createdBy = a.name
        try await r.create(on: a.db)
        try await a.audit(
            .create, "rectification", ref: r.id!.uuidString,
            summary: "组织生活会整改事项：\(item.what)（\(item.who)，\(item.dueOn)前）")
        return r
    }

    static func done(_ r: Rectification, on raw: String?, note: String?, event: OrgLifeEvent, as a: Acting)
        async throws
    {
        guard r.doneOn == nil else { throw AppError.conflict("该整改事项已完成") }
        let held = CalendarDate(event.heldOn) ?? a.today
        let (day, note) = try RectificationRules.done(on: raw, note: note, heldOn: held, today: a.today).orThrow()
        r.doneOn = day.description
        r.doneNote = note
        try await r.update(on: a.db)
        try await a.audit(.update, "rectification", ref: r.id!.uuidString, summary: "整改事项完成：\(r.what)（\(day)）")
    }
}
