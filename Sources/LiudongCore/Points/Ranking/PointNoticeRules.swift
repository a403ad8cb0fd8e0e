/// 公示 (issue 27 item 5): a published ranking is posted — on the notice board and in the branch's group — for a
/// notice period of 5 working days, during which members may object to their own entries of the year (an objection is
/// an appeal that reopens the entry even though the year is closed); after it the publication is final.
public enum PointNoticeRules {
    public static let workingDays = 5

    /// The last day of the notice period of a publication made on `publishedOn`.
    public static func until(publishedOn: CalendarDate, calendar: WorkCalendar) -> CalendarDate {
        calendar.adding(workingDays: workingDays, to: publishedOn)
    }

    /// Whether members may still object on `today` (a publication without a notice period — before the rule — is
    /// final).
    public static func open(until: String?, today: CalendarDate) -> Bool {
        guard let until = until.flatMap({ CalendarDate($0) }) else { return false }
        return today <= until
    }

    /// What the pages say of the notice period.
    public static func status(until: String?, today: CalendarDate) -> String {
        guard let until else { return "结果为最终结果" }
        return open(until: until, today: today)
            ? "公示期至\(until)（\(workingDays)个工作日），期间党员可对本人积分提出异议"
            : "公示期已于\(until)届满，结果为最终结果"
    }
}
