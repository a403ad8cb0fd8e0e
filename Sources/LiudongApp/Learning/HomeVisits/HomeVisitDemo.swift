import Fluent
import Foundation
import LiudongCore

/// The demo's 返乡预报 for the coming Spring Festival: the demo member (on their phone) and the other mobile members of
/// the demo secretary's branch but one (the third filed by the branch after a phone call). That one — the last by
/// name — has taken part in no organizational life for seven months (on the six-month alert), and says nothing: the
/// branch adds them to a session by hand.
enum HomeVisitDemo {
    static let places = ["林东镇富河村", "林东镇东城村", "十三敖包镇", "隆昌镇"]

    static func load(_ demo: DemoContext) async throws {
        let db = demo.db
        guard let account = try await Account.query(on: db).filter(\.$username == "secretary").first() else { return }
        let demoMember = try await MemberAccount.query(on: db).filter(\.$activatedVia == "demo").first()?.memberID
        let mobile = try await HomeVisitStore.mobile(branch: account.organizationID, on: db).map(\.id!)
        var who = Array(mobile.prefix(4))
        if let quiet = mobile.last(where: { $0 != demoMember }) {
            who.removeAll { $0 == quiet }
            try await OrgLifeStore.forget(member: quiet, since: demo.today.adding(days: -214), on: db)
        }
        if let me = demoMember, !who.contains(me) { who.insert(me, at: 0) }
        let from = CalendarDate(year: demo.today.year + (demo.today.month >= 3 ? 1 : 0), month: 1, day: 25)!
        for (i, m) in who.enumerated() {
            let v = HomeVisit()
            v.memberID = m
            v.fromOn = from.adding(days: i).description
            v.toOn = from.adding(days: 20 + i).description
            v.place = places[i % places.count]
            v.reportedBy = i == 3 ? "secretary" : "党员本人"
            try await v.create(on: db)
        }
    }
}
