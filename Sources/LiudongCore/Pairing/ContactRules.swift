import Foundation

/// How a quarterly contact was made; the raw value is what `contacts.method` holds.
public enum ContactMethod: String, Codable, CaseIterable, Sendable, Labelled {
    case phone, video, visit
    public var label: String {
        switch self {
        case .phone: return "电话随访"
        case .video: return "视频约访"
        case .visit: return "上门走访"
        }
    }
}

/// The member's answer to a recorded contact: it happened, or it did not.
public enum ContactAnswer: String, Codable, Sendable {
    case confirmed, denied
    public var label: String { self == .confirmed ? "本人已确认" : "本人称未联系" }
}

/// A half-year: `2026H1` (January–June) or `2026H2` (July–December).
public struct HalfYear: Hashable, Comparable, Sendable, CustomStringConvertible {
    public let year: Int
    public let half: Int

    public init?(_ text: String) {
        let t = text.trimmingCharacters(in: .whitespaces).uppercased()
        guard t.count == 6, let y = Int(t.prefix(4)), (2000...2100).contains(y), t.dropFirst(4).first == "H",
            let h = Int(t.suffix(1)), h == 1 || h == 2
        else { return nil }
        year = y
        half = h
    }

    public init(containing day: CalendarDate) {
        year = day.year
        half = day.month <= 6 ? 1 : 2
    }

    public var description: String { "\(year)H\(half)" }
    public var chinese: String { "\(year)年\(half == 1 ? "上" : "下")半年" }
    public var quarters: [Quarter] {
        [Quarter(year: year, number: half * 2 - 1)!, Quarter(year: year, number: half * 2)!]
    }
    public var firstDay: CalendarDate { quarters[0].firstDay }
    public var lastDay: CalendarDate { quarters[1].lastDay }
    public var previous: HalfYear { HalfYear(half == 2 ? "\(year)H1" : "\(year - 1)H2")! }

    public static func < (a: HalfYear, b: HalfYear) -> Bool { (a.year, a.half) < (b.year, b.half) }
}

/// A contact as checked, ready to store.
public struct ContactDraft: Equatable, Sendable {
    public var method: ContactMethod
    public var on: CalendarDate
    public var summary: String
    public var needs: String?
    public var next: CalendarDate?
}

/// The rules of contacts (联络): what a record needs, and the member's one answer to it.
public enum ContactRules {
    /// A contact of an open pairing: a way, a day from the flow's start to today, 10–2000 characters of what was
    /// learnt, at most 1000 of needs, and a next day after this one.
    public static func contact(
        pairingEndedOn: String?, method: String?, date: String?, summary: String?, needs: String?, nextOn: String?,
        flowBegan: CalendarDate?, today: CalendarDate
    ) -> Result<ContactDraft, RuleError> {
        var problems: [RuleProblem] = []
        if let ended = pairingEndedOn { problems.append(RuleProblem("pairingId", "该结对已于\(ended)解除，不能再记录联系")) }
        let how = method.flatMap(ContactMethod.init(rawValue:))
        if how == nil { problems.append(RuleProblem("method", "联系方式应为电话随访（phone）、视频约访（video）或上门走访（visit）")) }
        let day = Normalize.text(date).flatMap { CalendarDate($0) }
        if let day {
            if day > today {
                problems.append(RuleProblem("date", "联系日期不能晚于今天"))
            } else if let began = flowBegan, day < began {
                problems.append(RuleProblem("date", "联系日期不能早于外出日期（\(began)）"))
            }
        } else {
            problems.append(RuleProblem("date", "请填写联系日期（YYYY-MM-DD）"))
        }
        let said = Normalize.text(summary)
        if (said?.count ?? 0) < 10 {
            problems.append(RuleProblem("summary", "请写明联系情况（工作、生活、思想），至少10个字"))
        } else if (said?.count ?? 0) > 2000 {
            problems.append(RuleProblem("summary", "联系情况不能超过2000字"))
        }
        let wants = Normalize.text(needs)
        if (wants?.count ?? 0) > 1000 { problems.append(RuleProblem("needs", "诉求不能超过1000字")) }
        var next: CalendarDate?
        if let raw = Normalize.text(nextOn) {
            next = CalendarDate(raw)
            if next == nil { problems.append(RuleProblem("nextOn", "下次联系日期的格式应为YYYY-MM-DD")) }
            if let n = next, let d = day, n <= d { problems.append(RuleProblem("nextOn", "下次联系日期应晚于本次")) }
        }
        guard problems.isEmpty, let how, let day, let said else { return .failure(.invalid(problems)) }
        return .success(ContactDraft(method: how, on: day, summary: said, needs: wants, next: next))
    }

    /// The member's answer: once; a note kept to 500 characters.
    public static func answer(existing: ContactAnswer?, note: String?) -> Result<String?, RuleError> {
        if let existing { return .failure(.conflict("这次联系已回复过（\(existing.label)）")) }
        return .success(Normalize.text(note).map { String($0.prefix(500)) })
    }
}

/// A committee's record of hearing the half-year report, as checked.
public struct HearingDraft: Equatable, Sendable {
    public var heldOn: CalendarDate
    public var chair: String
    public var attendees: String
    public var conclusions: String
    public var followUp: String?
}

extension ContactRules {
    /// Days after a half-year within which its report is heard; later is overdue.
    public static let hearingGraceDays = 30

    /// The hearing of a half-year's report: a day in or after the half-year up to today, the chair, who attended, what
    /// was concluded; once per half-year. Problems are sentences for one message.
    public static func hearing(
        half: HalfYear, heldOn: String?, chair: String?, attendees: String?, conclusions: String?, followUp: String?,
        alreadyHeld: Bool, today: CalendarDate
    ) -> (draft: HearingDraft?, problems: [String]) {
        var problems: [String] = []
        let held = Normalize.text(heldOn).flatMap { CalendarDate($0) }
        if held == nil { problems.append("请填写听取汇报的日期") }
        if let held, held > today { problems.append("日期不能晚于今天") }
        if let held, held < half.firstDay { problems.append("日期不能早于该半年开始") }
        let who = Normalize.text(chair)
        if who == nil || (who?.count ?? 0) > 40 { problems.append("请填写主持人") }
        let present = Normalize.text(attendees)
        if present == nil || (present?.count ?? 0) > 500 { problems.append("请填写参加人员（500字以内）") }
        let concluded = Normalize.text(conclusions)
        if (concluded?.count ?? 0) < 10 || (concluded?.count ?? 0) > 4000 { problems.append("请写明听取汇报的结论（至少10个字）") }
        let next = Normalize.text(followUp)
        if (next?.count ?? 0) > 4000 { problems.append("后续任务不能超过4000字") }
        if alreadyHeld { problems.append("\(half.chinese)的汇报已记录") }
        guard problems.isEmpty, let held, let who, let present, let concluded else { return (nil, problems) }
        return (
            HearingDraft(heldOn: held, chair: who, attendees: present, conclusions: concluded, followUp: next), []
        )
    }
}
