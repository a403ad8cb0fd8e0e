import Foundation

/// An event of organizational life as recorded, checked (times in Beijing time).
public struct CheckedEvent: Equatable, Sendable {
    public var kind: OrgLifeKind
    public var start: Date
    public var end: Date
    public var place: String?
    public var onlineURL: String?
    public var topic: String
    public var host: String?
    public var recorder: String?

    /// The day it was held (for the compliance counts).
    public var heldOn: CalendarDate { CalendarDate(date: start) }
}

/// One member's attendance as submitted (a form row or an API item).
public struct AttendanceInput: Equatable, Sendable {
    public var memberId: String?
    public var status: String?
    public var reason: String?
    public var attendedAt: String?
    public var notCounted: Bool?
    /// Who approved a mobile member's absence and when (required with `notCounted`).
    public var approval: String?

    public init(
        memberId: String?, status: String?, reason: String?, attendedAt: String?, notCounted: Bool?,
        approval: String? = nil
    ) {
        self.memberId = memberId
        self.status = status
        self.reason = reason
        self.attendedAt = attendedAt
        self.notCounted = notCounted
        self.approval = approval
    }
}

/// One member's attendance, checked; `index` is its place in the submission (for the field names of problems).
public struct CheckedAttendance: Equatable, Sendable {
    public var index: Int
    public var member: UUID
    public var status: AttendanceStatus
    /// Kept for the excused and the absent; a present member needs none.
    public var reason: String?
    public var attendedAt: String?
    public var notCounted: Bool
    /// The approval a left-out absence is recorded with ("经XX党委2026年11月2日同意").
    public var approval: String?

    public init(
        index: Int, member: UUID, status: AttendanceStatus, reason: String?, attendedAt: String?, notCounted: Bool,
        approval: String? = nil
    ) {
        self.index = index
        self.member = member
        self.status = status
        self.reason = reason
        self.attendedAt = attendedAt
        self.notCounted = notCounted
        self.approval = approval
    }
}

/// 应到, 实到 and whether a meeting was quorate (实到 more than half of 应到). At a voting meeting (支部党员大会,
/// 民主评议党员) only full members count: probationary members have no vote — they may attend and are shown apart.
public struct Quorum: Codable, Equatable, Sendable {
    public var expected: Int
    public var present: Int
    public var excused: Int
    public var notCounted: Int
    public var quorate: Bool
    /// Whether 应到 and 实到 count full members only (a voting meeting).
    public var voting: Bool
    /// Probationary members present at a voting meeting (not counted toward the quorum).
    public var probationaryPresent: Int

    /// The roster (the organization's members, of it and below) less the mobile members whose absence the committee
    /// approved, against the roster members present.
    public init(roster: Int, present: Int, excused: Int, notCounted: Int) {
        self.init(
            roster: roster, present: present, excused: excused, notCounted: notCounted, voting: false,
            probationaryPresent: 0)
    }

    /// For a voting meeting, `roster`, `present`, `excused` and `notCounted` are the full members'.
    public init(roster: Int, present: Int, excused: Int, notCounted: Int, voting: Bool, probationaryPresent: Int) {
        let expected = max(0, roster - notCounted)
        self.expected = expected
        self.present = present
        self.excused = excused
        self.notCounted = notCounted
        self.quorate = expected > 0 && present * 2 > expected
        self.voting = voting
        self.probationaryPresent = voting ? probationaryPresent : 0
    }
}

/// The decisions of organizational life (measure 4c) over plain facts: what an event and an attendance list accept,
/// check-in codes and when they are open, the quorum, and the required frequencies.
public enum OrgLifeRules {
    public static let maxText = 200
    public static let maxItems = 5000
    /// Six characters without the ones people misread (0/O, 1/I/L).
    public static let codeAlphabet = Array("ABCDEFGHJKMNPQRSTUVWXYZ23456789")

    /// An event's fields (422 per field). `orgProblem`, the organization's own check (made where the tree is), comes
    /// first among the problems.
    public static func event(
        orgProblem: RuleProblem?, kind: String?, startsAt: String?, endsAt: String?, place: String?,
        onlineUrl: String?, topic: String?, host: String?, recorder: String?, now: Date
    ) -> Result<CheckedEvent, RuleError> {
        var errors: [RuleProblem] = orgProblem.map { [$0] } ?? []
        let kind = Normalize.text(kind).flatMap(OrgLifeKind.init(rawValue:))
        if kind == nil { errors.append(RuleProblem("kind", "请选择组织生活类型")) }
        let start = OrgLifeTime.parse(startsAt)
        if let s = start {
            if s > now.addingTimeInterval(366 * 86400) || s < now.addingTimeInterval(-3 * 366 * 86400) {
                errors.append(RuleProblem("startsAt", "开始时间应在三年前至一年后之间"))
            }
        } else {
            errors.append(RuleProblem("startsAt", "请填写开始时间，格式如 2026-12-01T19:30"))
        }
        var end = start.map { $0.addingTimeInterval(3 * 3600) }
        if let raw = Normalize.text(endsAt) {
            end = OrgLifeTime.parse(raw)
            if let e = end {
                if let start, e <= start || e.timeIntervalSince(start) > 3 * 86400 {
                    errors.append(RuleProblem("endsAt", "结束时间应晚于开始时间，且不超过三天"))
                    end = nil
                }
            } else {
                errors.append(RuleProblem("endsAt", "结束时间格式如 2026-12-01T21:30"))
            }
        }
        let place = Normalize.text(place)
        let url = Normalize.text(onlineUrl)
        if place == nil && url == nil { errors.append(RuleProblem("place", "请填写地点或线上会议链接")) }
        if let place, place.count > maxText { errors.append(RuleProblem("place", "地点请控制在200字以内")) }
        if let url, url.count > 500 || !(url.hasPrefix("https://") || url.hasPrefix("http://")) {
            errors.append(RuleProblem("onlineUrl", "线上链接应以 https:// 或 http:// 开头（500字以内）"))
        }
        let topic = Normalize.text(topic)
        if topic.map({ $0.count > maxText }) ?? true { errors.append(RuleProblem("topic", "请填写主题（200字以内）")) }
        let host = Normalize.text(host)
        let recorder = Normalize.text(recorder)
        if (host?.count ?? 0) > 50 { errors.append(RuleProblem("host", "主持人请控制在50字以内")) }
        if (recorder?.count ?? 0) > 50 { errors.append(RuleProblem("recorder", "记录人请控制在50字以内")) }
        guard errors.isEmpty, let kind, let start, let end, let topic else { return .failure(.invalid(errors)) }
        return .success(
            CheckedEvent(
                kind: kind, start: start, end: end, place: place, onlineURL: url, topic: topic, host: host,
                recorder: recorder))
    }

    /// An attendance list: each row's member, status and notes checked (a problem per field, named `items[i].…`).
    /// Who may be listed is decided apart (`ineligible`), against the organization's roster and reports.
    public static func attendance(_ items: [AttendanceInput]) -> (rows: [CheckedAttendance], problems: [RuleProblem]) {
        guard items.count <= maxItems else { return ([], [RuleProblem("items", "一次最多登记\(maxItems)人")]) }
        var errors: [RuleProblem] = []
        var rows: [CheckedAttendance] = []
        var seen = Set<UUID>()
        for (i, item) in items.enumerated() {
            let field = "items[\(i)]"
            guard let id = Normalize.text(item.memberId).flatMap({ UUID(uuidString: $0) }) else {
                errors.append(RuleProblem("\(field).memberId", "党员编号无效"))
                continue
            }
            if !seen.insert(id).inserted { errors.append(RuleProblem("\(field).memberId", "同一党员重复登记")) }
            guard let status = Normalize.text(item.status).flatMap(AttendanceStatus.init(rawValue:)) else {
                errors.append(RuleProblem("\(field).status", "出席情况应为 present（出席）、excused（请假）或 absent（缺席）"))
                continue
            }
            let reason = Normalize.text(item.reason)
            if status == .excused && reason == nil { errors.append(RuleProblem("\(field).reason", "请假请填写原因")) }
            if (reason?.count ?? 0) > maxText { errors.append(RuleProblem("\(field).reason", "原因请控制在200字以内")) }
            let at = Normalize.text(item.attendedAt)
            if (at?.count ?? 0) > 100 { errors.append(RuleProblem("\(field).attendedAt", "参加地点请控制在100字以内")) }
            let approval = Normalize.text(item.approval)
            if item.notCounted == true && status != .excused {
                errors.append(RuleProblem("\(field).notCounted", "只有经上级党组织同意请假的党员可不计入应到人数"))
            } else if item.notCounted == true && approval == nil {
                errors.append(RuleProblem("\(field).approval", "不计入应到人数须写明批准的党组织和日期，如“经某某党委11月2日同意”"))
            }
            if (approval?.count ?? 0) > 100 { errors.append(RuleProblem("\(field).approval", "批准情况请控制在100字以内")) }
            let left = item.notCounted == true && status == .excused
            rows.append(
                CheckedAttendance(
                    index: i, member: id, status: status, reason: status == .present ? nil : reason, attendedAt: at,
                    notCounted: left, approval: left ? approval : nil))
        }
        return (rows, errors)
    }

    /// The rows whose member may not be listed for the organization (not on its roster, not reporting to it or
    /// taking part in it, not already checked in).
    public static func ineligible(_ rows: [CheckedAttendance], allowed: Set<UUID>) -> [RuleProblem] {
        rows.filter { !allowed.contains($0.member) }.map {
            RuleProblem("items[\($0.index)].memberId", "该党员不在本组织名册，也未在本组织报到或参加活动")
        }
    }

    /// Rows left out of 应到 whose member is not a mobile member: only a mobile member's approved absence is.
    public static func notCountedButNotMobile(_ rows: [CheckedAttendance], mobile: Set<UUID>) -> [RuleProblem] {
        rows.filter { $0.notCounted && !mobile.contains($0.member) }.map {
            RuleProblem("items[\($0.index)].notCounted", "只有流动党员经党委同意不参加的，才不计入应到人数")
        }
    }

    /// A typed check-in code as stored (half-width, upper case), or nil when it cannot be one.
    public static func checkInCode(_ raw: String?) -> String? {
        let code = Normalize.halfWidth(Normalize.text(raw) ?? "").uppercased()
        guard code.count == 6, code.allSatisfy({ codeAlphabet.contains($0) }) else { return nil }
        return code
    }

    /// An event's code is accepted from an hour before it starts until two hours after it ends.
    public static func codeOpen(startsAt: String, endsAt: String, now: Date) -> Bool {
        guard let start = OrgLifeTime.parse(startsAt), let end = OrgLifeTime.parse(endsAt) else { return false }
        return start.addingTimeInterval(-3600) <= now && now <= end.addingTimeInterval(7200)
    }

    /// What a requirement asks within a quarter: monthly ones three times over, quarterly ones as they are, yearly
    /// ones for the whole year (held counted from 1 January to the quarter's end).
    public static func required(period: OrgLifePeriod, minimum: Int) -> Int {
        switch period {
        case .month: return minimum.multipliedReportingOverflow(by: 3).overflow ? Int.max : minimum * 3
        case .quarter, .year: return minimum
        }
    }

    /// Whether a branch is behind on a requirement in a completed quarter: yearly kinds only judged in the fourth.
    public static func behind(period: OrgLifePeriod, held: Int, required: Int, quarter: Quarter) -> Bool {
        (period != .year || quarter.number == 4) && held < required
    }

    /// Six calendar months before `today` (the last day of a shorter month when the day does not exist).
    public static func sixMonthsBefore(_ today: CalendarDate) -> CalendarDate {
        var y = today.year
        var m = today.month - 6
        if m < 1 {
            m += 12
            y -= 1
        }
        let d = min(today.day, CalendarDate.daysIn(year: y, month: m))
        return CalendarDate(year: y, month: m, day: d) ?? today.adding(days: -183)
    }
}
