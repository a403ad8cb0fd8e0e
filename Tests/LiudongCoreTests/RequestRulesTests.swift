import Testing

@testable import LiudongCore

@Suite("Requests (诉求办理): the rules without a database")
struct RequestRulesTests {
    static let beijing = "110105"
    static let homeArea = "150422"

    static func request(_ kind: ServiceRequestKind, division: String? = nil) -> CheckedRequest {
        CheckedRequest(kind: kind, title: "t", details: "details", division: division)
    }

    static func facts(inflow: Int? = 7, away: Bool = true, stations: [(Int, String)] = []) -> RoutingFacts {
        RoutingFacts(
            homeArea: homeArea,
            flow: away ? .init(destinationCode: beijing, usableInflowOrg: inflow, inflowOrg: inflow ?? 9) : nil,
            stations: stations.map { .init(org: $0.0, areaCode: $0.1) })
    }

    @Test func aDraftIsCheckedFieldByField() {
        let ok = RequestRules.check(kind: "legal", title: " 欠薪 ", details: "老板拖欠三个月工资", divisionCode: "110105")
        #expect(ok == .success(CheckedRequest(kind: .legal, title: "欠薪", details: "老板拖欠三个月工资", division: "110105")))
        let bad = RequestRules.check(
            kind: "lottery", title: String(repeating: "长", count: 61), details: "短", divisionCode: "99999x")
        #expect(
            bad.error
                == .invalid([
                    RuleProblem("kind", "请选择诉求类别"), RuleProblem("title", "标题不能超过60字"),
                    RuleProblem("details", "请写明具体情况（至少5个字）"), RuleProblem("divisionCode", "所在地区代码应为6位行政区划代码"),
                ]))
        #expect(RequestRules.check(kind: "other", title: nil, details: nil, divisionCode: nil).error != nil)
        let long = RequestRules.check(
            kind: "other", title: "t", details: String(repeating: "字", count: 2_001), divisionCode: nil)
        #expect(long.error == .field("details", "具体情况不能超过2000字"))
    }

    @Test func routingTable() {
        let cases: [(String, CheckedRequest, RoutingFacts, RequestRoute)] = [
            ("local matter while away → inflow", Self.request(.employment), Self.facts(), .inflow(org: 7)),
            ("not a local matter → home", Self.request(.certificate), Self.facts(), .home),
            ("inflow without an account → home", Self.request(.schooling), Self.facts(inflow: nil), .home),
            ("not away → home", Self.request(.employment), Self.facts(away: false), .home),
            ("matter at home while away → home", Self.request(.medical, division: "150422"), Self.facts(), .home),
            (
                "rights matter → the most specific station of the place", Self.request(.wageArrears),
                Self.facts(stations: [(1, "11"), (2, "1101"), (3, "15")]), .station(org: 2)
            ),
            (
                "a tie goes to the first listed", Self.request(.legal),
                Self.facts(stations: [(4, "1101"), (5, "1101")]), .station(org: 4)
            ),
            (
                "rights matter at home → the home area's station", Self.request(.labourDispute),
                Self.facts(away: false, stations: [(1, "11"), (3, "15")]), .station(org: 3)
            ),
            (
                "rights matter with no station → inflow", Self.request(.legal), Self.facts(stations: [(3, "15")]),
                .inflow(org: 7)
            ),
        ]
        for (what, request, facts, expected) in cases {
            #expect(RequestRules.route(request, facts: facts) == expected, "\(what)")
        }
    }

    @Test func eachActionIsAllowedOnlyInItsStates() {
        let all = ServiceRequestStatus.allCases
        #expect(all.filter { RequestRules.accept($0, handler: nil, fallback: "李娜").error == nil } == [.submitted])
        #expect(all.filter { RequestRules.progress($0, note: "进展").error == nil } == [.accepted, .inProgress])
        #expect(
            all.filter { RequestRules.reply($0, text: "已经办好了").error == nil } == [.submitted, .accepted, .inProgress])
        #expect(all.filter { RequestRules.rate($0, stars: 5, comment: nil).error == nil } == [.answered])
        #expect(
            all.filter {
                RequestRules.transfer($0, reason: "转办", atHome: false, inflowUsable: false).error == nil
            } == [.submitted, .accepted, .inProgress])
        #expect(RequestRules.accept(.submitted, handler: "  ", fallback: "李娜") == .success("李娜"))
        #expect(RequestRules.accept(.accepted, handler: nil, fallback: "x").error == .conflict("这项诉求已经受理"))
        #expect(RequestRules.progress(.submitted, note: "x").error == .conflict("请先受理这项诉求"))
        #expect(RequestRules.rate(.closed, stars: 5, comment: nil).error == .conflict("这项诉求已经评价过"))
        #expect(RequestRules.rate(.answered, stars: 6, comment: nil).error == .field("stars", "请选择1至5星"))
        #expect(RequestRules.rate(.answered, stars: 0, comment: nil).error != nil)
        #expect(RequestRules.reply(.accepted, text: "好的").error != nil)
    }

    @Test func transferGoesToTheOtherSideWhenThereIsOne() {
        #expect(
            RequestRules.transfer(.submitted, reason: "在流入地办", atHome: true, inflowUsable: true).map(\.to)
                == .success(.inflow))
        #expect(
            RequestRules.transfer(.accepted, reason: "回家乡办", atHome: false, inflowUsable: false).map(\.to)
                == .success(.home))
        #expect(
            RequestRules.transfer(.submitted, reason: "在流入地办", atHome: true, inflowUsable: false).error
                == .field("reason", "该党员没有开通账号的流入地党组织，无法转办"))
        #expect(RequestRules.transfer(.submitted, reason: "x", atHome: false, inflowUsable: true).error != nil)
        #expect(RequestRules.canTransfer(.submitted, atHome: true, inflowUsable: false) == false)
        #expect(RequestRules.canTransfer(.inProgress, atHome: false, inflowUsable: false))
        #expect(RequestRules.canTransfer(.answered, atHome: false, inflowUsable: true) == false)
    }

    @Test func reopenOnceWithinTheWindow() throws {
        let closed = try #require(CalendarDate("2026-11-10"))
        func reopen(_ status: ServiceRequestStatus = .closed, reopened: Int = 0, on day: String, handler: Bool = true)
            -> Result<(reason: String, status: ServiceRequestStatus), RuleError>
        {
            RequestRules.reopen(
                status, reopened: reopened, closedOn: closed.description, hadHandler: handler, reason: "还没解决",
                today: CalendarDate(day)!, reopenDays: 7)
        }
        #expect((try? reopen(on: "2026-11-17").get().status) == .inProgress)
        #expect((try? reopen(on: "2026-11-17", handler: false).get().status) == .submitted)
        #expect(reopen(on: "2026-11-18").error == .conflict("已超过办结后7天，不能再申请重新办理，可以提交新的诉求"))
        #expect(reopen(reopened: 1, on: "2026-11-11").error == .conflict("每项诉求只能申请重新办理一次"))
        #expect(reopen(.answered, on: "2026-11-11").error == .conflict("只有已办结的诉求可以申请重新办理"))
    }

    @Test func overdueAndEscalationByStage() throws {
        let day = try #require(CalendarDate("2026-10-10"))
        func stage(_ s: ServiceRequestStatus, ack: String, answer: String) -> OverdueStage? {
            RequestRules.overdueStage(s, acknowledgeBy: ack, answerBy: answer, today: day)
        }
        #expect(stage(.submitted, ack: "2026-10-10", answer: "2026-10-30") == nil)
        #expect(stage(.submitted, ack: "2026-10-09", answer: "2026-10-30") == .acknowledge)
        #expect(stage(.accepted, ack: "2026-10-09", answer: "2026-10-30") == nil)
        #expect(stage(.inProgress, ack: "2026-10-01", answer: "2026-10-09") == .answer)
        #expect(stage(.submitted, ack: "2026-10-01", answer: "2026-10-09") == .answer)
        #expect(stage(.answered, ack: "2026-10-01", answer: "2026-10-09") == nil)
        let once = RequestRules.escalation(
            .submitted, acknowledgeBy: "2026-10-09", answerBy: "2026-10-30", escalatedStage: "acknowledge", today: day)
        #expect(once == nil)
        let again = RequestRules.escalation(
            .submitted, acknowledgeBy: "2026-10-01", answerBy: "2026-10-09", escalatedStage: "acknowledge", today: day)
        #expect(again == .answer)
        #expect(RequestRules.missed(.answer, acknowledgeBy: "a", answerBy: "2026-10-09") == "超过答复时限2026-10-09")
        #expect(RequestRules.closesUnrated(answeredOn: "2026-10-03", today: day, autoCloseDays: 7))
        #expect(!RequestRules.closesUnrated(answeredOn: "2026-10-04", today: day, autoCloseDays: 7))
        #expect(!RequestRules.closesUnrated(answeredOn: nil, today: day, autoCloseDays: 7))
    }

    @Test func statisticsCountOnTimeOfThoseDue() throws {
        let today = try #require(CalendarDate("2026-11-01"))
        let facts: [RequestStats.Fact] = [
            .init(answerBy: "2026-10-20", answeredOn: "2026-10-19", stars: 5),
            .init(answerBy: "2026-10-20", answeredOn: "2026-10-22", stars: 2),
            .init(answerBy: "2026-10-25", answeredOn: nil, stars: nil),
            .init(answerBy: "2026-11-20", answeredOn: nil, stars: nil),
        ]
        #expect(
            RequestStats(facts, today: today)
                == RequestStats(received: 4, answered: 2, onTime: 1, onTimeRate: 0.333, satisfaction: 3.5))
        #expect(
            RequestStats([], today: today)
                == RequestStats(received: 0, answered: 0, onTime: 0, onTimeRate: 0, satisfaction: nil))
    }

    @Test func theCalendarTakesWeekdayHolidaysAndWorkedWeekends() {
        #expect(WorkCalendarRules.day("2026-10-01", kind: "holiday", name: "国庆节").map(\.kind) == .success(.holiday))
        #expect(WorkCalendarRules.day("2026-10-10", kind: "workday", name: "国庆节").map(\.kind) == .success(.workday))
        #expect(
            WorkCalendarRules.day("2026-10-12", kind: "workday", name: "x").error
                == .field("kind", "2026-10-12本来就是工作日，调休上班只用于周六、周日"))
        #expect(WorkCalendarRules.day("2026-10-11", kind: "holiday", name: "x").error != nil)
        #expect(WorkCalendarRules.day("2026-02-30", kind: "holiday", name: "x").error == .field("day", "请选择日期"))
        #expect(WorkCalendarRules.day("2026-10-01", kind: "leave", name: "x").error != nil)
        #expect(
            WorkCalendarRules.day("2026-10-01", kind: "holiday", name: String(repeating: "节", count: 21)).error != nil)
        #expect(WorkCalendarRules.stationArea(nil, orgDivision: "110105001") == .success("110105"))
        #expect(WorkCalendarRules.stationArea("1101", orgDivision: "x") == .success("1101"))
        #expect(WorkCalendarRules.stationArea("11010", orgDivision: "x").error != nil)
        #expect(
            WorkCalendarRules.deadlines(acknowledgeDays: "2", answerDays: " 10 ", reopenDays: "7", autoCloseDays: "7")
                == .success(ServiceDeadlines(acknowledgeDays: 2, answerDays: 10, reopenDays: 7, autoCloseDays: 7)))
        #expect(
            WorkCalendarRules.deadlines(acknowledgeDays: "5", answerDays: "3", reopenDays: "x", autoCloseDays: "7")
                .error
                == .invalid([
                    RuleProblem("answerDays", "答复时限不能短于受理时限"), RuleProblem("reopenDays", "重新办理的期限应为1至30天"),
                ]))
    }
}
