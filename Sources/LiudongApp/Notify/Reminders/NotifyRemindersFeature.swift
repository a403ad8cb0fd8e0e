import Fluent
import LiudongCore
import Vapor

/// The daily job's reminders, each through `Notify` (the day's messages are made once: the same message never twice
/// within a day): the weekly quiz on the day it opens, organizational life the day before, the activity certificate
/// 30 days before it ends, dues three months unpaid (on the 10th of the month).
struct NotifyRemindersFeature: Feature {
    let name = "notifyReminders"
    static let duesReminderDay = 10

    /// `19:30` of a stored start time (`2026-12-08T19:30`).
    static func clock(_ stored: String?) -> String {
        guard let s = stored, let t = s.split(whereSeparator: { $0 == "T" || $0 == " " }).last, t.contains(":") else {
            return ""
        }
        return String(t.prefix(5))
    }

    func sweep(_ app: Application, today: CalendarDate) async throws -> [String] {
        let sql = try app.db.sql()
        var lines: [String] = []
        func send(_ rows: [ReminderStore.Due], _ what: String, _ make: (ReminderStore.Due) -> Notify.Message)
            async throws
        {
            let messages = rows.map(make)
            var made = 0
            for chunk in messages.chunked(200) {
                let batch = Array(chunk)
                made += try await app.db.writeTransaction(gate: app.writeGate) { tx in
                    var n = 0
                    for m in batch where try await Notify.enqueue(m, on: tx) != nil { n += 1 }
                    return n
                }
            }
            if made > 0 { lines.append("通知\(what)\(made)条") }
        }
        try await send(try await ReminderStore.quizOpening(today, on: sql), "每周一学开放") {
            .init(event: .quizOpen, member: $0.member_id, params: ["week": $0.a ?? ""], link: "/my/quiz")
        }
        try await send(try await ReminderStore.orgLifeTomorrow(today, on: sql), "明天的组织生活") {
            .init(
                event: .orgLifeTomorrow, member: $0.member_id,
                params: [
                    "kind": $0.a.flatMap(OrgLifeKind.init(rawValue:))?.label ?? "组织生活", "time": Self.clock($0.b),
                    "place": $0.c ?? "",
                ], link: "/my/org-life")
        }
        try await send(try await ReminderStore.certificatesEnding(today, on: sql), "活动证30天后到期") {
            .init(
                event: .certificateExpiring, member: $0.member_id,
                params: ["date": $0.a.flatMap { CalendarDate($0) }.map(Notify.day) ?? ""], link: "/my/certificate")
        }
        if today.day == Self.duesReminderDay {
            try await send(
                try await ReminderStore.duesArrears(before: YearMonth(containing: today), on: sql), "党费欠交3个月"
            ) {
                .init(event: .duesArrears, member: $0.member_id, params: ["months": "3"], link: "/my/dues")
            }
        }
        return lines
    }
}
