/// What a confirmed report means for the inflow organization a member reported to (两地互告).
public enum ReviewRules {
    /// Whether a confirmed report takes the member off the inflow organization's lists and is told to it: a return.
    /// (A change of destination will, once a flow keeps the day it moved so that the new place gets its own arrival
    /// window; today it leaves the member reported where they were.)
    public static func leavesInflow(_ kind: ReportKind) -> Bool { kind == .return }

    /// The inflow organization's notice when a member it had returns home.
    public static func returnedNotice(name: String, on day: CalendarDate) -> String {
        "\(name)已于\(day.chinese)返回流出地，不再在贵组织参加组织生活"
    }
}
