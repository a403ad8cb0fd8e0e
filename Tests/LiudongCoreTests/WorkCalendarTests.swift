import Testing

@testable import LiudongCore

@Suite("Working days (工作日) for the service deadlines")
struct WorkCalendarTests {
    func d(_ s: String) -> CalendarDate { CalendarDate(s)! }

    @Test func weekdaysAreKnown() {
        // 2026-11-30 is a Monday, 2026-12-05 a Saturday, 2000-02-29 a Tuesday, 2024-12-31 a Tuesday.
        #expect(WorkCalendar.weekday(d("2026-11-30")) == 1)
        #expect(WorkCalendar.weekday(d("2026-12-05")) == 6)
        #expect(WorkCalendar.weekday(d("2026-12-06")) == 0)
        #expect(WorkCalendar.weekday(d("2000-02-29")) == 2)
        #expect(WorkCalendar.weekday(d("2024-12-31")) == 2)
        #expect(WorkCalendar.next(d("2024-12-31")) == d("2025-01-01"))
        #expect(WorkCalendar.next(d("2028-02-28")) == d("2028-02-29"))
    }

    @Test func deadlinesSkipTheWeekend() {
        let c = WorkCalendar()
        // Raised on Friday: two working days are Monday and Tuesday.
        #expect(c.adding(workingDays: 2, to: d("2026-12-04")) == d("2026-12-08"))
        // Raised on Saturday: Monday, Tuesday.
        #expect(c.adding(workingDays: 2, to: d("2026-12-05")) == d("2026-12-08"))
        // Fifteen working days from Monday 2026-11-30: three weeks later, Monday 2026-12-21.
        #expect(c.adding(workingDays: 15, to: d("2026-11-30")) == d("2026-12-21"))
        #expect(c.adding(workingDays: 0, to: d("2026-11-30")) == d("2026-11-30"))
        #expect(c.workingDays(after: d("2026-12-04"), through: d("2026-12-08")) == 2)
    }

    @Test func holidaysAndAdjustedWorkingDaysCount() {
        // National Day 2026: 10-01 to 10-07 off (Thu to Wed), Sunday 09-20 and Saturday 10-10 worked.
        var c = WorkCalendar()
        for day in ["2026-10-01", "2026-10-02", "2026-10-05", "2026-10-06", "2026-10-07"] { c.holidays.insert(d(day)) }
        c.workdays = [d("2026-09-20"), d("2026-10-10")]
        #expect(!c.isWorkingDay(d("2026-10-01")) && !c.isWorkingDay(d("2026-10-03")))
        #expect(c.isWorkingDay(d("2026-10-10")) && c.isWorkingDay(d("2026-09-20")))
        // Raised Wednesday 09-30: the first working day after is Thursday 10-08, then Friday 10-09, Saturday 10-10.
        #expect(c.adding(workingDays: 1, to: d("2026-09-30")) == d("2026-10-08"))
        #expect(c.adding(workingDays: 2, to: d("2026-09-30")) == d("2026-10-09"))
        #expect(c.adding(workingDays: 3, to: d("2026-09-30")) == d("2026-10-10"))
        // Raised Saturday 09-19: Sunday 09-20 is worked, so it is the first working day.
        #expect(c.adding(workingDays: 1, to: d("2026-09-19")) == d("2026-09-20"))
    }

    @Test func aCalendarWithNoWorkingDayEnds() {
        var c = WorkCalendar()
        var day = d("2026-01-01")
        for _ in 0..<400 {
            c.holidays.insert(day)
            day = WorkCalendar.next(day)
        }
        // Every day of the year off: the count stops after ten years of days, it does not loop forever.
        let end = c.adding(workingDays: 5, to: d("2026-01-01"))
        #expect(end > d("2027-01-01"))
        #expect(c.adding(workingDays: Int.max, to: d("2026-01-01")) > d("2026-01-01"))
    }

    @Test func settingsAreChecked() {
        #expect(ServiceDeadlines().problems().isEmpty)
        #expect(ServiceDeadlines(acknowledgeDays: 0).problems().map(\.field) == ["acknowledgeDays"])
        #expect(ServiceDeadlines(acknowledgeDays: 5, answerDays: 3).problems().map(\.field) == ["answerDays"])
        #expect(ServiceDeadlines(reopenDays: 99, autoCloseDays: -1).problems().count == 2)
    }
}
