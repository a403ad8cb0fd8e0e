/// How the branch secretary talked with a member; the raw value is what `point_talks.way` holds.
public enum TalkWay: String, Codable, CaseIterable, Sendable {
    case inPerson, phone, video

    public var label: String {
        switch self {
        case .inPerson: return "当面谈话"
        case .phone: return "电话谈话"
        case .video: return "视频谈话"
        }
    }
}

/// A talk as checked, ready to store.
public struct PointTalkDraft: Equatable, Sendable {
    public var talkedOn: CalendarDate
    public var way: TalkWay
    public var summary: String
    public var steps: String
    /// The two quarters whose low scores led to the talk, e.g. `2026Q2,2026Q3`.
    public var quarters: String
}

/// Long-term low scorers (约谈提醒) and the talks with them: a member below the county's quarterly line in each of the
/// last two completed quarters, while rules were in effect throughout, is due a talk this quarter.
public enum PointTalkRules {
    /// The two quarters judged on `today`: the last two completed ones.
    public static func quarters(today: CalendarDate) -> (earlier: Quarter, later: Quarter)? {
        guard let later = Quarter(containing: today).previous, let earlier = later.previous else { return nil }
        return (earlier, later)
    }

    /// Whether a county's rules cover both quarters: a version in effect from the earlier quarter's first day
    /// (`earlierYearStarts`: the start days of that year's versions), and some version in the later quarter's year.
    public static func rulesCover(_ earlier: Quarter, earlierYearStarts: [String], laterYearHasRules: Bool) -> Bool {
        earlierYearStarts.contains { $0 <= earlier.firstDay.description } && laterYearHasRules
    }

    /// A talk: on a day of this quarter up to today, a way, 10–2000 characters of what was said and 4–1000 of the
    /// steps agreed.
    public static func talk(talkedOn: String?, way: String?, summary: String?, steps: String?, today: CalendarDate)
        -> Result<PointTalkDraft, RuleError>
    {
        var problems: [RuleProblem] = []
        let day = Normalize.text(talkedOn).flatMap { CalendarDate($0) }
        if let d = day, d <= today, d >= Quarter(containing: today).firstDay {
        } else {
            problems.append(RuleProblem("talkedOn", "谈话日期应在本季度内且不晚于今天"))
        }
        let how = way.flatMap(TalkWay.init(rawValue:))
        if how == nil { problems.append(RuleProblem("way", "请选择谈话方式")) }
        let said = Normalize.text(summary) ?? ""
        if said.count < 10 || said.count > 2000 { problems.append(RuleProblem("summary", "请用10–2000字记录谈话内容")) }
        let agreed = Normalize.text(steps) ?? ""
        if agreed.count < 4 || agreed.count > 1000 { problems.append(RuleProblem("steps", "请写明商定的改进措施（4–1000字）")) }
        guard problems.isEmpty, let day, let how else { return .failure(.invalid(problems)) }
        return .success(
            PointTalkDraft(
                talkedOn: day, way: how, summary: said, steps: agreed,
                quarters: quarters(today: today).map { "\($0.earlier),\($0.later)" } ?? ""))
    }
}
