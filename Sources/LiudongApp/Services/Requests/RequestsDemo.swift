import Fluent
import Foundation
import LiudongCore
import SQLKit

/// The demo's requests in every
/// state — fresh, accepted, in progress, answered and waiting for the member's rating, rated, reopened, transferred
/// from the inflow side to the home branch, and overdue ones escalated by the daily sweep.
enum RequestsDemo {
    static func load(_ demo: DemoContext) async throws {
        let db = demo.db
        guard let secretaryAccount = try await Account.query(on: db).filter(\.$username == "secretary").first(),
            let inflowAccount = try await Account.query(on: db).filter(\.$username == "inflow").first(),
            let branch = try await Organization.find(secretaryAccount.organizationID, on: db),
            let inflowOrg = try await Organization.find(inflowAccount.organizationID, on: db)
        else { return }
        let secretary = CurrentUser(account: secretaryAccount, scope: branch, viaToken: false)
        let inflow = CurrentUser(account: inflowAccount, scope: inflowOrg, viaToken: false)
        let open = FlowState.allCases.filter(\.isOpen)
        // The demo member has reported to 望京 (so their requests about work and life there go to its account), on any
        // day the demo is made: wherever the generated flow had them report, they moved on to 望京 (an inflow-side
        // pairing with the organization they left ends).
        let demoMember = try await MemberAccount.query(on: db).filter(\.$activatedVia == "demo").first()?.memberID
        if let id = demoMember, let me = try await Member.find(id, on: db) {
            if let flow = try await Flow.query(on: db).filter(\.$memberID == id).filter(\.$status ~~ open).first(),
                flow.inflowOrgID != inflowOrg.id
            {
                if flow.inflowOrgID != nil {
                    try await PairingActions.endAll(
                        of: id, side: .inflow, reason: "已到北京市朝阳区望京街道工作，向望京街道党工委报到", on: db, today: demo.today)
                }
                flow.inflowOrgID = inflowOrg.id
                flow.destinationCode = String(inflowOrg.divisionCode.prefix(6))
                flow.status = .arrived
                flow.arrivedOn = flow.arrivedOn ?? flow.leftOn
                flow.arrivalConfirmed = true
                try await flow.update(on: db)
                me.flowStatus = FlowState.arrived.rawValue
                try await me.update(on: db)
            }
        }
        // The secretary's mobile members: those reported to the demo's inflow organization first.
        // The branch's members in one query (not one lookup per open flow of the whole demo: on PostgreSQL those round
        // trips were most of this feature's minute).
        let branchMembers = Dictionary(
            try await Member.query(on: db).filter(\.$organizationID == branch.requireID()).all().map { ($0.id!, $0) },
            uniquingKeysWith: { a, _ in a })
        let flows = try await Flow.query(on: db).filter(\.$status ~~ open).filter(
            \.$memberID ~~ Array(branchMembers.keys)
        )
        .all()
        var away: [Member] = []
        var elsewhere: [Member] = []
        for f in flows.sorted(by: { $0.memberID.uuidString < $1.memberID.uuidString }) {
            guard let m = branchMembers[f.memberID] else { continue }
            if f.inflowOrgID == inflowOrg.id { away.append(m) } else { elsewhere.append(m) }
        }
        let today = demo.today
        func day(_ n: Int) -> CalendarDate { today.adding(days: -n) }
        func raise(_ m: Member, _ kind: ServiceRequestKind, _ title: String, _ details: String, _ n: Int) async throws
            -> ServiceRequest
        {
            let (r, _) = try await RequestActions.raise(
                .init(kind: kind.rawValue, title: title, details: details), member: m,
                as: .member("demo-member", today: day(n), on: db, audited: false))
            r.submittedAt = day(n).startDate.addingTimeInterval(9 * 3600)
            try await r.update(on: db)
            try await stamp(r, day(n), db)
            return r
        }
        let people = away + elsewhere
        guard !people.isEmpty else { return }
        func who(_ i: Int) -> Member { people[i % people.count] }
        /// A member reported to 望京 for the requests that go there (any member when the demo has none).
        func awayAt(_ i: Int) -> Member { away.isEmpty ? who(i) : away[i % away.count] }
        /// The account of the side a request is with now.
        func actor(_ r: ServiceRequest) -> CurrentUser { r.routedOrgID == inflowOrg.id ? inflow : secretary }

        // Answered by the inflow side and rated.
        let jobs = try await raise(
            awayAt(0), .employment, "想在北京找一份电工的工作", "持有低压电工证，原单位项目结束，希望经介绍到附近企业工作。", 24)
        try await RequestActions.accept(
            jobs, handler: "王建华", as: .staff(actor(jobs), today: day(23), on: db, audited: false))
        try await stamp(jobs, day(23), db)
        try await RequestActions.reply(
            jobs, text: "已推荐到街道辖区内的物业公司面试，岗位为维修电工，月薪6500元，面试时间已电话告知本人。",
            as: .staff(actor(jobs), today: day(18), on: db, audited: false))
        try await stamp(jobs, day(18), db)
        try await RequestActions.rate(
            jobs, stars: 5, comment: "很快就联系上了，谢谢组织", as: .member("demo-member", today: day(16), on: db, audited: false))
        try await stamp(jobs, day(16), db)

        // Fresh: wage arrears, just raised.
        _ = try await raise(
            awayAt(1), .wageArrears, "工地拖欠三个月工资", "2026年8月至10月的工资共计1.8万元未发放，包工头一直推脱。", 1)

        // Overdue, never acknowledged: escalated by the sweep below.
        _ = try await raise(
            awayAt(2), .schooling, "孩子在流入地上小学需要办理入学手续", "孩子今年满6周岁，需要开具居住证明和党员身份证明，不清楚去哪里办理。", 30)

        // At home: accepted, in progress, past the answer deadline — escalated too.
        let cert = try await raise(
            who(3), .certificate, "需要开具党员身份证明", "务工单位评选优秀员工需要党员身份证明，请党支部出具。", 40)
        try await RequestActions.accept(
            cert, handler: secretary.displayName, as: .staff(actor(cert), today: day(39), on: db, audited: false))
        try await stamp(cert, day(39), db)
        try await RequestActions.progress(
            cert, note: "已向乡党委报送，等待盖章。", as: .staff(actor(cert), today: day(39), on: db, audited: false))
        try await stamp(cert, day(30), db)

        // Answered, waiting for the member's rating.
        let hard = try await raise(
            who(4), .hardship, "母亲住院，家里缺人照料", "母亲脑梗住院，父亲年迈，本人在外务工一时回不去，希望村里帮忙照看。", 8)
        try await RequestActions.accept(
            hard, handler: secretary.displayName, as: .staff(actor(hard), today: day(7), on: db, audited: false))
        try await stamp(hard, day(7), db)
        try await RequestActions.reply(
            hard, text: "已安排结对党员每天上门看望，村卫生室医生每周随访一次，申请临时救助的材料已报乡民政办。",
            as: .staff(actor(hard), today: day(3), on: db, audited: false))
        try await stamp(hard, day(3), db)

        // Raised with the inflow side, transferred home (social security stays at home), accepted there.
        let med = try await raise(
            awayAt(3), .medical, "异地就医备案怎么办理", "在北京看病想用家乡的医保报销，需要办理异地就医备案。", 6)
        if med.routedOrgID == inflowOrg.id {
            _ = try await RequestActions.transfer(
                med, reason: "医保关系在流出地，由家乡党支部协调办理", as: .staff(actor(med), today: today, on: db, audited: false))
            try await stamp(med, day(5), db)
        }
        try await RequestActions.accept(
            med, handler: secretary.displayName, as: .staff(actor(med), today: day(4), on: db, audited: false))
        try await stamp(med, day(4), db)

        // Rated 2 stars and reopened once.
        let other = try await raise(
            who(6), .other, "希望党支部组织返乡技能培训", "今年春节回家，希望能参加电商和农机维修方面的培训。", 20)
        try await RequestActions.reply(
            other, text: "乡里春节后有一期电商培训，届时通知您报名。", as: .staff(actor(other), today: day(12), on: db, audited: false))
        try await stamp(other, day(12), db)
        try await RequestActions.rate(
            other, stars: 2, comment: "没有农机维修", as: .member("demo-member", today: day(3), on: db, audited: false))
        try await stamp(other, day(3), db)
        try await RequestActions.reopen(
            other, reason: "希望增加农机维修的培训，或者告诉我哪里可以学", as: .member("demo-member", today: day(2), on: db, audited: false))
        try await stamp(other, day(2), db)

        // The demo member: one request answered and waiting for their rating.
        if let id = demoMember, let me = try await Member.find(id, on: db) {
            let mine = try await raise(
                me, .employment, "想找一份离住处近的工作", "现在的工地项目年底结束，想在望京附近找物业或维修方面的工作。", 5)
            let handler = actor(mine)
            try await RequestActions.accept(
                mine, handler: "张丽", as: .staff(handler, today: day(4), on: db, audited: false))
            try await stamp(mine, day(4), db)
            try await RequestActions.reply(
                mine, text: "街道社区服务中心下周三有招聘会，物业公司招维修工和保安，已把您登记在推荐名单上，届时请带身份证参加。",
                as: .staff(handler, today: day(1), on: db, audited: false))
            try await stamp(mine, day(1), db)
        }
        _ = try await RequestActions.sweep(today: today, on: db)
    }

    /// Dates the request's latest event on the demo day it happened (the service stamps events with the clock).
    private static func stamp(_ r: ServiceRequest, _ day: CalendarDate, _ db: Database) async throws {
        guard
            let e = try await ServiceRequestEvent.query(on: db).filter(\.$requestID == r.id!).sort(\.$at, .descending)
                .first()
        else { return }
        e.at = day.startDate.addingTimeInterval(10 * 3600)
        try await e.update(on: db)
    }
}
