import Foundation

/// How much one person may store: a number of files a day and megabytes a calendar month (Asia/Shanghai), per kind
/// of upload (issue 25 item 11). A pure rule: the store counts, this decides and words the refusal.
public struct UploadQuota: Sendable, Equatable {
    public var perDay: Int
    public var megabytesPerMonth: Int
    /// What the files are, for the message: "照片", "附件".
    public var noun: String

    public init(perDay: Int, megabytesPerMonth: Int, noun: String) {
        self.perDay = perDay
        self.megabytesPerMonth = megabytesPerMonth
        self.noun = noun
    }

    /// The periods counted at `now`: from the start of today and from the first of this month.
    public static func periods(now: Date) -> (day: Date, month: Date) {
        let today = CalendarDate.today(now: now)
        let first = CalendarDate(year: today.year, month: today.month, day: 1) ?? today
        return (today.startDate, first.startDate)
    }

    /// Nil when one more file of `bytes` fits; otherwise the Chinese reason to show.
    public func refusal(filesToday: Int, bytesThisMonth: Int, adding bytes: Int) -> String? {
        if filesToday >= perDay { return "今天上传的\(noun)已达\(perDay)个，请明天再传" }
        let limit = megabytesPerMonth.multipliedReportingOverflow(by: 1 << 20)
        let total = bytesThisMonth.addingReportingOverflow(bytes)
        if !limit.overflow && (total.overflow || total.partialValue > limit.partialValue) {
            return "本月上传的\(noun)已超过\(megabytesPerMonth)MB，请下月再传或压缩后上传"
        }
        return nil
    }
}
