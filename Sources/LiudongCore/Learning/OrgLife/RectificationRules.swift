import Foundation

/// A corrective item (整改事项) recorded at a 组织生活会: what is to be put right, who answers for it, by when, and
/// the day it was done. One past its due day and not done reaches the worklist.
public struct CheckedRectification: Equatable, Sendable {
    public var what: String
    public var who: String
    public var dueOn: CalendarDate

    public init(what: String, who: String, dueOn: CalendarDate) {
        self.what = what
        self.who = who
        self.dueOn = dueOn
    }
}

public enum RectificationRules {
    public static let maxWhat = 300
    public static let maxWho = 50
    public static let maxNote = 500

    /// Only a 组织生活会 records corrective items.
    public static func records(_ kind: OrgLifeKind) -> Bool { kind == .lifeMeeting }

    /// An item of the meeting held on `heldOn`: due on or after the meeting, within a year of it.
    public static func item(what: String?, who: String?, dueOn: String?, heldOn: CalendarDate)
        -> Result<CheckedRectification, RuleError>
    {
        var errors: [RuleProblem] = []
        let what = Normalize.text(what)
        if what.map({ $0.count > maxWhat }) ?? true {
            errors.append(RuleProblem("what", "请填写整改事项（\(maxWhat)字以内）"))
        }
        let who = Normalize.text(who)
        if who.map({ $0.count > maxWho }) ?? true {
            errors.append(RuleProblem("who", "请填写责任人（\(maxWho)字以内）"))
        }
        let due = Normalize.text(dueOn).flatMap { $0.count <= 10 ? CalendarDate($0) : nil }
        if let d = due {
            if d < heldOn || d > heldOn.adding(days: 366) {
                errors.append(RuleProblem("dueOn", "整改时限应在会议之日（\(heldOn)）至一年内"))
            }
        } else {
            errors.append(RuleProblem("dueOn", "请填写整改时限，格式如 2026-12-31"))
        }
        guard errors.isEmpty, let what, let who, let due else { return .failure(.invalid(errors)) }
        return .success(CheckedRectification(what: what, who: who, dueOn: due))
    }

    /// The day an item was done: from the meeting to today; with an optional note of how.
    public static func done(on raw: String?, note: String?, heldOn: CalendarDate, today: CalendarDate)
        -> Result<(CalendarDate, String?), RuleError>
    {
        var errors: [RuleProblem] = []
        let day = Normalize.text(raw).flatMap { $0.count <= 10 ? CalendarDate($0) : nil }
        if let d = day {
            if d < heldOn || d > today { errors.append(RuleProblem("doneOn", "完成日期应在会议之日（\(heldOn)）至今天之间")) }
        } else {
            errors.append(RuleProblem("doneOn", "请填写完成日期，格式如 2026-12-31"))
        }
        let note = Normalize.text(note)
        if (note?.count ?? 0) > maxNote { errors.append(RuleProblem("note", "整改情况请控制在\(maxNote)字以内")) }
        guard errors.isEmpty, let day else { return .failure(.invalid(errors)) }
        return .success((day, note))
    }

    /// Past its due day on `today` and not done.
    public static func overdue(dueOn: CalendarDate, doneOn: CalendarDate?, today: CalendarDate) -> Bool {
        doneOn == nil && dueOn < today
    }
}
