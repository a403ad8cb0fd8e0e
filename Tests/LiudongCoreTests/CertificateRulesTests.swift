import LiudongCore
import Testing

@Suite("Certificates: who gets one, and what the page advises")
struct CertificateRulesTests {
    func flow(
        _ reason: OutflowReason? = .business, left: String = "2026-01-10", back: String? = nil,
        arrived: String? = nil, contact: String? = nil
    ) -> CertificateRules.Flow {
        .init(
            reason: reason, leftOn: CalendarDate(left), expectedReturnOn: back.flatMap { CalendarDate($0) },
            arrivedOn: arrived.flatMap { CalendarDate($0) }, lastContactOn: contact.flatMap { CalendarDate($0) })
    }

    @Test func abroadAndUnderAMonthAreRefused() {
        #expect(CertificateRules.refusal(flow(.abroad))?.contains("出国(境)") == true)
        #expect(CertificateRules.refusal(flow(back: "2026-02-08"))?.contains("不足一个月") == true)
        #expect(CertificateRules.refusal(flow(back: "2026-02-09")) == nil)
        #expect(CertificateRules.refusal(flow()) == nil && CertificateRules.refusal(flow(nil)) == nil)
    }

    @Test func aMemberAbroadIsDueEverySixMonths() {
        let today = CalendarDate("2026-09-01")!
        let c = CertificateRules.abroadContact(flow(.abroad, contact: "2026-02-28"), today: today)
        #expect(c?.due == CalendarDate("2026-08-28") && c?.overdue == true)
        let never = CertificateRules.abroadContact(flow(.abroad, left: "2026-08-31"), today: today)
        #expect(never?.due == CalendarDate("2027-02-28") && never?.overdue == false)
        #expect(CertificateRules.abroadContact(flow(), today: today) == nil)
    }

    @Test func sixMonthsAtOnePlaceSuggestsATransfer() {
        #expect(CertificateRules.transferAdvice(flow(left: "2026-03-01"), today: CalendarDate("2026-08-31")!) == nil)
        #expect(CertificateRules.transferAdvice(flow(left: "2026-03-01"), today: CalendarDate("2026-09-01")!) != nil)
        // Since arriving where they are, not since leaving; never for a member abroad.
        let moved = flow(left: "2025-01-01", arrived: "2026-05-01")
        #expect(CertificateRules.transferAdvice(moved, today: CalendarDate("2026-09-01")!) == nil)
        #expect(
            CertificateRules.transferAdvice(flow(.abroad, left: "2020-01-01"), today: CalendarDate("2026-09-01")!)
                == nil)
        #expect(CertificateRules.adding(months: 1, to: CalendarDate("2028-01-31")!) == CalendarDate("2028-02-29"))
        #expect(CertificateRules.adding(months: -6, to: CalendarDate("2027-01-15")!) == CalendarDate("2026-07-15"))
    }
}
