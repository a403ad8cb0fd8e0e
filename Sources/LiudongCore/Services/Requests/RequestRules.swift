/// The decisions of requests (诉求办理) as pure functions over plain facts: what a member may write, where a request
/// goes, which action its state allows now, when it is overdue, and the statistics. `RequestActions` in the
/// application loads the facts, asks these and stores the outcome.

/// Where a request was sent first: the inflow organization, the home branch, or a legal service station.
public enum RequestSide: String, Codable, CaseIterable, Sendable {
    case inflow, home, station

    public var label: String {
        switch self {
        case .inflow: return "流入地党组织"
        case .home: return "流出地党支部"
        case .station: return "法律服务站"
        }
    }
}

/// The deadline an open request has missed; the raw value is what `service_requests.escalated_stage` holds.
public enum OverdueStage: String, Codable, CaseIterable, Sendable {
    case acknowledge, answer
}

/// A request as the member (or a cadre for them) wrote it, checked.
public struct CheckedRequest: Equatable, Sendable {
    public var kind: ServiceRequestKind
    public var title: String
    public var details: String
    /// Where the matter is, when the member said: a 6-digit division code.
    public var division: String?
}

/// The facts routing needs, loaded by the application.
public struct RoutingFacts: Equatable, Sendable {
    /// The home county's division code (the branch's own when it has no county above it).
    public var homeArea: String
    /// The member's open flow (外出), if any.
    public var flow: Flow?
    /// Legal service stations whose organization is open and has an account, in a stable order.
    public var stations: [Station]

    public struct Flow: Equatable, Sendable {
        public var destinationCode: String?
        /// The inflow organization the member reported to, when it exists and has an account that can act for it.
        public var usableInflowOrg: Int?
        /// The inflow organization as recorded (even without an account): kept on the request for a later transfer.
        public var inflowOrg: Int?

        public init(destinationCode: String?, usableInflowOrg: Int?, inflowOrg: Int?) {
            self.destinationCode = destinationCode
            self.usableInflowOrg = usableInflowOrg
            self.inflowOrg = inflowOrg
        }
    }

    public struct Station: Equatable, Sendable {
        public var org: Int
        public var areaCode: String

        public init(org: Int, areaCode: String) {
            self.org = org
            self.areaCode = areaCode
        }
    }

    public init(homeArea: String, flow: Flow?, stations: [Station]) {
        self.homeArea = homeArea
        self.flow = flow
        self.stations = stations
    }
}

/// Where a request goes.
public enum RequestRoute: Equatable, Sendable {
    case station(org: Int)
    case inflow(org: Int)
    case home

    public var side: RequestSide {
        switch self {
        case .station: return .station
        case .inflow: return .inflow
        case .home: return .home
        }
    }
}

/// `{"received","answered","onTime","onTimeRate","satisfaction"}` for the requests routed to an organization's subtree
/// and submitted between two days. `onTimeRate`: answered by the deadline, of those answered or already past their
/// deadline unanswered (0 when none is due). `satisfaction`: mean stars (1–5, one decimal) of the rated ones, nil
/// when none is rated.
public struct RequestStats: Codable, Equatable, Sendable {
    public var received: Int
    public var answered: Int
    public var onTime: Int
    public var onTimeRate: Double
    public var satisfaction: Double?

    /// One request, as the statistics see it.
    public struct Fact: Equatable, Sendable {
        public var answerBy: String
        public var answeredOn: String?
        public var stars: Int?

        public init(answerBy: String, answeredOn: String?, stars: Int?) {
            self.answerBy = answerBy
            self.answeredOn = answeredOn
            self.stars = stars
        }
    }

    public init(received: Int, answered: Int, onTime: Int, onTimeRate: Double, satisfaction: Double?) {
        self.received = received
        self.answered = answered
        self.onTime = onTime
        self.onTimeRate = onTimeRate
        self.satisfaction = satisfaction
    }

    public init(_ facts: [Fact], today: CalendarDate) {
        let day = today.description
        let answered = facts.filter { $0.answeredOn != nil }
        let onTime = answered.filter { ($0.answeredOn ?? "") <= $0.answerBy }.count
        let lateOpen = facts.filter { $0.answeredOn == nil && day > $0.answerBy }.count
        let due = answered.count + lateOpen
        let stars = facts.compactMap(\.stars)
        self.init(
            received: facts.count, answered: answered.count, onTime: onTime,
            onTimeRate: due == 0 ? 0 : (Double(onTime) / Double(due) * 1000).rounded() / 1000,
            satisfaction: stars.isEmpty ? nil : (Double(stars.reduce(0, +)) / Double(stars.count) * 10).rounded() / 10)
    }
}

public enum RequestRules {
    public static let maxTitle = 60
    public static let maxDetails = 2_000

    /// The checked request, or every problem with its field in Chinese.
    public static func check(
        kind: String?, title: String?, details: String?, divisionCode: String?, divisions: Divisions = .shared
    ) -> Result<CheckedRequest, RuleError> {
        var errors: [RuleProblem] = []
        let kind = kind.flatMap(ServiceRequestKind.init(rawValue:))
        if kind == nil { errors.append(RuleProblem("kind", "请选择诉求类别")) }
        let title = Normalize.text(title)
        if title == nil {
            errors.append(RuleProblem("title", "请写一句话说明诉求"))
        } else if (title?.count ?? 0) > maxTitle {
            errors.append(RuleProblem("title", "标题不能超过60字"))
        }
        let details = Normalize.text(details)
        if (details?.count ?? 0) < 5 {
            errors.append(RuleProblem("details", "请写明具体情况（至少5个字）"))
        } else if (details?.count ?? 0) > maxDetails {
            errors.append(RuleProblem("details", "具体情况不能超过2000字"))
        }
        var division = Normalize.text(divisionCode)
        if let code = division {
            if code.count != 6 || !code.utf8.allSatisfy({ $0 >= 48 && $0 <= 57 }) || !divisions.contains(code) {
                errors.append(RuleProblem("divisionCode", "所在地区代码应为6位行政区划代码"))
                division = nil
            }
        }
        guard errors.isEmpty, let kind, let title, let details else { return .failure(.invalid(errors)) }
        return .success(CheckedRequest(kind: kind, title: title, details: details, division: division))
    }

    /// Where a request goes. Rights matters (legal aid, wage arrears, labour disputes) to the legal service station
    /// serving the place of the matter (the most specific area; the first listed on a tie), else like the rest:
    /// matters of where the member lives to the inflow organization they reported to when it has an account,
    /// everything else (or with no such organization, or a matter at home) to the home branch.
    public static func route(_ r: CheckedRequest, facts: RoutingFacts) -> RequestRoute {
        let homeArea = facts.homeArea
        let atHome =
            r.division.map { $0.hasPrefix(String(homeArea.prefix(6))) || facts.flow == nil } ?? (facts.flow == nil)
        let place = r.division ?? (atHome ? homeArea : facts.flow?.destinationCode ?? homeArea)
        if r.kind.isRights {
            var best: RoutingFacts.Station?
            for s in facts.stations where place.hasPrefix(s.areaCode) || (atHome && homeArea.hasPrefix(s.areaCode)) {
                if let b = best, b.areaCode.count >= s.areaCode.count { continue }
                best = s
            }
            if let best { return .station(org: best.org) }
        }
        if r.kind.isLocal, !atHome, let inflow = facts.flow?.usableInflowOrg { return .inflow(org: inflow) }
        return .home
    }

    /// 受理: only a submitted request; the handler's name (the account's own when left empty), at most 30 characters.
    public static func accept(_ status: ServiceRequestStatus, handler: String?, fallback: String) -> Result<
        String, RuleError
    > {
        guard status == .submitted else { return .failure(.conflict("这项诉求已经受理")) }
        let name = Normalize.text(handler) ?? fallback
        guard name.count <= 30 else { return .failure(.field("handler", "承办人姓名不能超过30字")) }
        return .success(name)
    }

    /// 办理进展: after acceptance and before the answer; a note of at most 1,000 characters.
    public static func progress(_ status: ServiceRequestStatus, note: String?) -> Result<String, RuleError> {
        guard status == .accepted || status == .inProgress else {
            return .failure(.conflict(status == .submitted ? "请先受理这项诉求" : "这项诉求已经答复"))
        }
        guard let text = Normalize.text(note), text.count <= 1_000 else {
            return .failure(.field("note", "请写明办理进展（不超过1000字）"))
        }
        return .success(text)
    }

    /// 答复: while open (a submitted one is accepted by the answer itself); 5 to 2,000 characters.
    public static func reply(_ status: ServiceRequestStatus, text: String?) -> Result<String, RuleError> {
        guard status.isOpen else { return .failure(.conflict("这项诉求已经答复")) }
        guard let text = Normalize.text(text), text.count >= 5, text.count <= 2_000 else {
            return .failure(.field("reply", "请写明答复内容（5至2000字），党员本人会看到"))
        }
        return .success(text)
    }

    /// Whether a request can go to the other side now: from the home branch to an inflow organization with an account,
    /// from the inflow side or a station back to the home branch.
    public static func canTransfer(_ status: ServiceRequestStatus, atHome: Bool, inflowUsable: Bool) -> Bool {
        status.isOpen && (!atHome || inflowUsable)
    }

    /// 转办: while open, with a reason (2 to 500 characters) and another side to take it; the side it goes to.
    public static func transfer(
        _ status: ServiceRequestStatus, reason: String?, atHome: Bool, inflowUsable: Bool
    ) -> Result<(reason: String, to: RequestSide), RuleError> {
        guard status.isOpen else { return .failure(.conflict("这项诉求已经答复，不能再转办")) }
        guard let reason = Normalize.text(reason), reason.count >= 2, reason.count <= 500 else {
            return .failure(.field("reason", "请写明转办理由"))
        }
        if atHome {
            guard inflowUsable else { return .failure(.field("reason", "该党员没有开通账号的流入地党组织，无法转办")) }
            return .success((reason, .inflow))
        }
        return .success((reason, .home))
    }

    /// 评价: once, after the answer; 1 to 5 stars and a comment of at most 500 characters.
    public static func rate(_ status: ServiceRequestStatus, stars: Int?, comment: String?) -> Result<
        (stars: Int, comment: String?), RuleError
    > {
        guard status == .answered else {
            return .failure(.conflict(status == .closed ? "这项诉求已经评价过" : "答复之后才能评价"))
        }
        guard let stars, (1...5).contains(stars) else { return .failure(.field("stars", "请选择1至5星")) }
        let text = Normalize.text(comment)
        guard (text?.count ?? 0) <= 500 else { return .failure(.field("comment", "评价不能超过500字")) }
        return .success((stars, text))
    }

    /// Why a closed request cannot be reopened now (nil when it can): once, within `reopenDays` after it closed.
    public static func reopenConflict(
        _ status: ServiceRequestStatus, reopened: Int, closedOn: String?, today: CalendarDate, reopenDays: Int
    ) -> String? {
        guard status == .closed, let closed = closedOn.flatMap({ CalendarDate($0) }) else {
            return "只有已办结的诉求可以申请重新办理"
        }
        guard reopened == 0 else { return "每项诉求只能申请重新办理一次" }
        guard today <= closed.adding(days: reopenDays) else {
            return "已超过办结后\(reopenDays)天，不能再申请重新办理，可以提交新的诉求"
        }
        return nil
    }

    /// 申请重新办理: when `reopenConflict` allows, with a reason (2 to 500 characters). The state it goes back to:
    /// with its handler (办理中) when it had been accepted, else to be accepted again.
    public static func reopen(
        _ status: ServiceRequestStatus, reopened: Int, closedOn: String?, hadHandler: Bool, reason: String?,
        today: CalendarDate, reopenDays: Int
    ) -> Result<(reason: String, status: ServiceRequestStatus), RuleError> {
        if let conflict = reopenConflict(
            status, reopened: reopened, closedOn: closedOn, today: today, reopenDays: reopenDays)
        {
            return .failure(.conflict(conflict))
        }
        guard let text = Normalize.text(reason), text.count >= 2, text.count <= 500 else {
            return .failure(.field("reason", "请写明需要重新办理的原因"))
        }
        return .success((text, hadHandler ? .inProgress : .submitted))
    }

    /// The deadline a request has missed on `today` (after the day itself), if any: answering first.
    public static func overdueStage(
        _ status: ServiceRequestStatus, acknowledgeBy: String, answerBy: String, today: CalendarDate
    ) -> OverdueStage? {
        let day = today.description
        if status.isOpen, day > answerBy { return .answer }
        if status == .submitted, day > acknowledgeBy { return .acknowledge }
        return nil
    }

    /// Whether the daily job escalates now: overdue at a stage it was not yet escalated for.
    public static func escalation(
        _ status: ServiceRequestStatus, acknowledgeBy: String, answerBy: String, escalatedStage: String?,
        today: CalendarDate
    ) -> OverdueStage? {
        guard let stage = overdueStage(status, acknowledgeBy: acknowledgeBy, answerBy: answerBy, today: today),
            escalatedStage != stage.rawValue
        else { return nil }
        return stage
    }

    /// What the escalation says was missed.
    public static func missed(_ stage: OverdueStage, acknowledgeBy: String, answerBy: String) -> String {
        stage == .answer ? "超过答复时限\(answerBy)" : "超过受理时限\(acknowledgeBy)"
    }

    /// Whether an answer left unrated closes itself on `today`: `autoCloseDays` after it was answered.
    public static func closesUnrated(answeredOn: String?, today: CalendarDate, autoCloseDays: Int) -> Bool {
        guard let answeredOn else { return false }
        return answeredOn <= today.adding(days: -autoCloseDays).description
    }
}
