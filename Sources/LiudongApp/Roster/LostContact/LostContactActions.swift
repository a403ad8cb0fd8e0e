import Fluent
import Foundation
import LiudongCore

/// The lost-contact procedure's acts: a try at finding the member logged (a try that found them is contact), and the
/// member's own signs of life — a confirmed or denied contact, a check-in, a quiz, a course, a request, a sign-in —
/// counted as contact, which ends a candidacy and brings a lost member back.
enum LostContactActions {
    static func search(_ m: Member, method: String?, on day: String?, result: String?, found: Bool, as a: Acting)
        async throws
    {
        guard let flow = try await FlowStore.open(of: m.requireID(), on: a.db).first,
            flow.lostCandidateSince != nil
        else { throw AppError.conflict("该党员不在失联核查中") }
        let checked = try LostContactRules.search(method: method, on: day, result: result, found: found, today: a.today)
            .orThrow()
        let s = LostSearch()
        s.memberID = try m.requireID()
        s.flowID = try flow.requireID()
        s.method = checked.method
        s.onDay = checked.day.description
        s.result = checked.result
        s.found = checked.found
        s.byName = a.name
        try await a.db.transaction { tx in
            try await s.create(on: tx)
            try await MemberEvent.record(
                m.requireID(), kind: .contact,
                summary: "失联查找（\(checked.method.label)，\(checked.day)）：\(checked.result)\(found ? "，已找到" : "")",
                by: a.name, on: tx)
            if found { try await contact(flow, member: m, what: "查找到本人", by: a.name, today: a.today, on: tx) }
            try await a.on(tx).audit(.create, "lost-search", ref: m.id!.uuidString, summary: "失联查找：\(m.name)")
        }
    }

    /// A sign of life from the member themselves (`what`: 签到, 答题…): contact today.
    static func signOfLife(_ memberID: UUID, what: String, on db: Database, today: CalendarDate = AppClock.today)
        async throws
    {
        guard let flow = try await FlowStore.open(of: memberID, on: db).first,
            flow.lastContactOn < today.description || flow.lostCandidateSince != nil || flow.status == .lost,
            let m = try await Member.find(memberID, on: db)
        else { return }
        try await contact(flow, member: m, what: what, by: nil, today: today, on: db)
    }

    /// Contact on `today`: a candidacy ends, a lost member is back (with a line on the timeline and a notice).
    private static func contact(
        _ flow: Flow, member m: Member, what: String, by name: String?, today: CalendarDate, on db: Database
    ) async throws {
        let wasLost = flow.status == .lost
        let wasCandidate = flow.lostCandidateSince != nil
        flow.lastContactOn = today.description
        flow.lostCandidateSince = nil
        if wasLost { flow.status = flow.inflowOrgID == nil ? .away : .arrived }
        try await flow.update(on: db)
        guard wasLost || wasCandidate else { return }
        m.flowStatus = flow.status.rawValue
        try await m.update(on: db)
        try await MemberEvent.record(
            m.requireID(), kind: .contact, summary: "有了音讯（\(what)），失联核查结束", by: name, on: db)
        if let branch = try await Organization.find(m.organizationID, on: db) {
            try await Notice(
                org: branch, kind: .lost, title: "\(m.name)有了音讯（\(what)），已不再是失联\(wasLost ? "党员" : "待核实")",
                link: "/members/\(m.id!.uuidString)"
            ).create(on: db)
        }
    }
}
