/// What a confirmed report means for the inflow organization a member reported to (两地互告).
public enum ReviewRules {
    /// Whether a confirmed report takes the member off the inflow organization's lists and is told to it: a return.
    /// (A change of destination will, once a flow keeps the day it moved so that the new place gets its own arrival
    /// window; today it leaves the member reported where they were.)
    public static func leavesInflow(_ kind: ReportKind) -> Bool { kind == .return }

    /// Whether a confirmed report takes the member off the lists of the inflow organization they reported to: a
    /// return, or a change whose destination differs from the flow's.
    public static func leavesInflow(
        _ kind: ReportKind, newDestination: String?, currentDestination: String?, reportedTo: Int?
    ) -> Bool {
        guard reportedTo != nil else { return false }
        if kind == .return { return true }
        guard kind == .change, let new = newDestination else { return false }
        return new != currentDestination
    }

    /// The inflow organization's notice when a member it had moves on to another place.
    public static func movedNotice(name: String, on day: CalendarDate, to destination: String) -> String {
        "\(name)已于\(day.chinese)变更流向地至\(destination)，不再在贵组织参加组织生活"
    }

    /// The day from which a flow's time to report counts: the day the member moved on from an inflow organization,
    /// else the day they left home.
    public static func arrivalClockStarts(leftOn: String, movedOn: String?) -> String { max(leftOn, movedOn ?? "") }

    /// The inflow organization's notice when a member it had returns home.
    public static func returnedNotice(name: String, on day: CalendarDate) -> String {
        "\(name)已于\(day.chinese)返回流出地，不再在贵组织参加组织生活"
    }
}
