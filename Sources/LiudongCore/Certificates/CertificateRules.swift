/// Who gets a 流动党员活动证 and what a certificate page advises (DESIGN §6): not a member abroad — they keep their
/// organizational relationship and their party organization contacts them at least every six months, which the page
/// shows instead — nor a flow expected to last under a month; a flow open six months or more at one place suggests
/// transferring the organizational relationship.
public enum CertificateRules {
    /// A member abroad is contacted at least this often.
    public static let abroadContactMonths = 6
    /// A flow expected to end sooner than this many days after leaving gets no certificate.
    public static let shortestDays = 30
    /// From this many months at one place, the page suggests a transfer.
    public static let transferAfterMonths = 6

    /// The open flow as the rules see it.
    public struct Flow: Sendable, Equatable {
        public var reason: OutflowReason?
        public var leftOn: CalendarDate?
        public var expectedReturnOn: CalendarDate?
        /// The day the member reached where they are (arrival at the inflow organization), when known.
        public var arrivedOn: CalendarDate?
        /// The last contact on record (the flow's, or a pairing contact's).
        public var lastContactOn: CalendarDate?

        public init(
            reason: OutflowReason?, leftOn: CalendarDate?, expectedReturnOn: CalendarDate?, arrivedOn: CalendarDate?,
            lastContactOn: CalendarDate?
        ) {
            self.reason = reason
            self.leftOn = leftOn
            self.expectedReturnOn = expectedReturnOn
            self.arrivedOn = arrivedOn
            self.lastContactOn = lastContactOn
        }
    }

    /// Why the flow gets no certificate, or nil when it may have one.
    public static func refusal(_ f: Flow) -> String? {
        if f.reason == .abroad {
            return "出国(境)党员不发放流动党员活动证：保留组织关系，党组织至少每\(abroadContactMonths)个月与其联系一次"
        }
        if let left = f.leftOn, let back = f.expectedReturnOn, back < left.adding(days: shortestDays) {
            return "预计外出不足一个月（\(left)至\(back)），不发放流动党员活动证"
        }
        return nil
    }

    /// For a member abroad: when the next contact is due (six months after the last; from the day they left when
    /// none is recorded) and whether it is overdue on `today`.
    public static func abroadContact(_ f: Flow, today: CalendarDate) -> (due: CalendarDate, overdue: Bool)? {
        guard f.reason == .abroad, let from = f.lastContactOn ?? f.leftOn else { return nil }
        let due = adding(months: abroadContactMonths, to: from)
        return (due, due < today)
    }

    /// "建议转移组织关系" once the member has been six months or more at one place (since arriving there, or since
    /// leaving when no arrival is recorded); nil before, and for a member abroad.
    public static func transferAdvice(_ f: Flow, today: CalendarDate) -> String? {
        guard f.reason != .abroad, let since = f.arrivedOn ?? f.leftOn,
            adding(months: transferAfterMonths, to: since) <= today
        else { return nil }
        return "建议转移组织关系：自\(since)起在同一地方已满\(transferAfterMonths)个月，可按规定将组织关系转入所在地党组织"
    }

    /// The same day `months` later (the month's last day when it has fewer days).
    public static func adding(months: Int, to d: CalendarDate) -> CalendarDate {
        let index = d.year * 12 + (d.month - 1) + months
        let year = index / 12
        let month = index % 12 + 1
        let day = min(d.day, CalendarDate.daysIn(year: year, month: month))
        return CalendarDate(year: year, month: month, day: day) ?? d
    }
}
