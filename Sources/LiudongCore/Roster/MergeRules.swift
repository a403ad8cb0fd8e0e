import Foundation

/// A pair of roster entries that may be one person: the same name and birth date (a typo in a number, a member
/// registered twice before the number was fixed).
public struct DuplicateCandidate: Equatable, Sendable {
    public var a: UUID
    public var b: UUID

    public init(a: UUID, b: UUID) {
        self.a = a
        self.b = b
    }
}

/// The rules of merging duplicate entries: which rows move (and which stay because the kept entry already has their
/// twin), the reason, and the 30 days in which a merge may be undone.
public enum MergeRules {
    /// Days within which a merge may be undone.
    public static let undoDays = 30

    /// Tables whose rows move to the kept entry, with the column that together with `member_id` must stay unique
    /// (a row whose twin the kept entry already has stays with the dropped entry).
    public static let tables: [(table: String, uniqueWith: String?)] = [
        ("flows", nil), ("self_reports", nil), ("contacts", nil), ("pairings", nil), ("point_entries", nil),
        ("point_claims", "text_key"), ("point_appeals", nil), ("service_requests", nil), ("member_events", nil),
        ("org_life_attendance", "event_id"), ("course_completions", "course_id"), ("quiz_answers", "quiz_id"),
        ("diary_entries", nil), ("red_packages", nil), ("home_visits", nil), ("certificates", nil),
        ("transfers", nil), ("national_todos", nil), ("lost_searches", nil), ("transfer_holds", nil),
    ]

    public static func reason(_ raw: String?) -> Result<String, RuleError> {
        guard let r = Normalize.text(raw), (2...200).contains(r.count) else {
            return .failure(.field("reason", "请填写合并依据（2至200字，如核对户籍后确认为同一人）"))
        }
        return .success(r)
    }

    /// Whether a merge of `mergedOn` may still be undone on `today`.
    public static func canUndo(mergedOn: CalendarDate, today: CalendarDate) -> Bool {
        today <= mergedOn.adding(days: undoDays)
    }

    /// Pairs among entries grouped by name and birth date (each entry once with each other of its group).
    public static func pairs(_ rows: [(id: UUID, name: String, birth: String)]) -> [DuplicateCandidate] {
        var groups: [String: [UUID]] = [:]
        for r in rows { groups[r.name + "|" + r.birth, default: []].append(r.id) }
        var out: [DuplicateCandidate] = []
        for ids in groups.values where ids.count > 1 {
            let sorted = ids.sorted { $0.uuidString < $1.uuidString }
            for i in sorted.indices {
                for j in sorted.indices where j > i { out.append(DuplicateCandidate(a: sorted[i], b: sorted[j])) }
            }
        }
        return out.sorted { ($0.a.uuidString, $0.b.uuidString) < ($1.a.uuidString, $1.b.uuidString) }
    }
}
