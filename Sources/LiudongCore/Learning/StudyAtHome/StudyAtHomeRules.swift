import Foundation

/// A diary entry as written, checked.
public struct CheckedDiaryEntry: Equatable, Sendable {
    public var day: CalendarDate
    public var text: String
}

/// A return season (返乡时段) as set, checked.
public struct CheckedSeason: Equatable, Sendable {
    public var name: String
    public var startsOn: CalendarDate
    public var endsOn: CalendarDate
}

/// A study-delivered-home session as recorded, checked.
public struct CheckedSession: Equatable, Sendable {
    public var day: CalendarDate
    public var place: String
    public var topic: String
}

/// A member the branch expects home in a season, as the page lists them.
public struct ExpectedHome: Equatable, Sendable {
    public var member: UUID
    public var name: String
    public var why: String
    public var reached: Bool

    public init(member: UUID, name: String, why: String, reached: Bool) {
        self.member = member
        self.name = name
        self.why = why
        self.reached = reached
    }
}

/// The decisions of study at home and away (measure 4c): the vanguard-post diary, study delivered home in a return
/// season. Messages are the flash a page shows.
public enum StudyAtHomeRules {
    /// Entries a member may write for one day.
    public static let entriesPerDay = 10
    /// Days back a diary entry may be dated.
    public static let diaryDaysBack = 30
    /// A diary entry: dated today or up to 30 days back, 1 to 2,000 characters, at most 10 for a day.
    public static func diary(on raw: String?, text: String?, entriesThatDay: Int, today: CalendarDate) -> Result<
        CheckedDiaryEntry, RuleError
    > {
        guard let day = Normalize.text(raw).flatMap({ CalendarDate($0) }), day <= today,
            day >= today.adding(days: -diaryDaysBack)
        else { return .failure(.field("on", "日期应为今天或30天内")) }
        guard let text = Normalize.text(text), text.count <= 2000 else {
            return .failure(.field("text", "请填写日记内容（2000字以内）"))
        }
        guard entriesThatDay < entriesPerDay else { return .failure(.conflict("同一天最多10篇日记")) }
        return .success(CheckedDiaryEntry(day: day, text: text))
    }

    /// The branch's comment on an entry: at most 500 characters (none clears it).
    public static func comment(_ raw: String?) -> Result<String?, RuleError> {
        let comment = Normalize.text(raw)
        guard (comment?.count ?? 0) <= 500 else { return .failure(.field("comment", "点评请控制在500字以内")) }
        return .success(comment)
    }

    /// A return season: a name of at most 30 characters, at most 120 days.
    public static func season(name: String?, startsOn: String?, endsOn: String?) -> Result<CheckedSeason, RuleError> {
        guard let name = Normalize.text(name), name.count <= 30,
            let from = Normalize.text(startsOn).flatMap({ CalendarDate($0) }),
            let to = Normalize.text(endsOn).flatMap({ CalendarDate($0) }), from <= to, to <= from.adding(days: 120)
        else { return .failure(.field("name", "请填写名称（30字以内）和起止日期（不超过120天）")) }
        return .success(CheckedSeason(name: name, startsOn: from, endsOn: to))
    }

    /// A session: on a day of the season (held: not after `today`), a place (at most 100 characters) and what was
    /// studied (at most 200).
    public static func session(
        on raw: String?, place: String?, topic: String?, seasonStartsOn: String, seasonEndsOn: String,
        today: CalendarDate? = nil
    ) -> Result<CheckedSession, RuleError> {
        guard let day = Normalize.text(raw).flatMap({ CalendarDate($0) }),
            day.description >= seasonStartsOn, day.description <= seasonEndsOn, today.map({ day <= $0 }) ?? true,
            let place = Normalize.text(place), place.count <= 100,
            let topic = Normalize.text(topic), topic.count <= 200
        else { return .failure(.field("onDay", "请填写返乡时段内、不晚于今天的日期，地点（100字内）和学习内容（200字内）")) }
        return .success(CheckedSession(day: day, place: place, topic: topic))
    }

    /// The members a branch expects home in a season (each once, in the order given), why, and whether a session
    /// reached them.
    public static func expected(
        _ rows: [(member: UUID, name: String, expectedReturnOn: String?, returnedOn: String?)], reached: Set<UUID>
    ) -> [ExpectedHome] {
        var seen = Set<UUID>()
        return rows.compactMap { r in
            guard seen.insert(r.member).inserted else { return nil }
            return ExpectedHome(
                member: r.member, name: r.name,
                why: r.returnedOn.map { "\($0)已返回" } ?? "预计\(r.expectedReturnOn ?? "")返回",
                reached: reached.contains(r.member))
        }
    }
}
