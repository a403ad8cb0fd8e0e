import Foundation

/// The four categories of a points item (积分项目类别).
public enum PointCategory: String, Codable, CaseIterable, Sendable {
    case learning, orgLife, vanguard, other

    public var label: String {
        switch self {
        case .learning: return "学习"
        case .orgLife: return "组织生活"
        case .vanguard: return "先锋作用"
        case .other: return "其他"
        }
    }
}

/// Where an item's occurrences come from: a fact the system already records, or a member's claim approved by the
/// branch secretary. There is deliberately no source for logins, clicks or time online.
public enum PointSource: String, Codable, CaseIterable, Sendable {
    /// A course of the learning menu marked learnt (with its reflection where required).
    case courseCompleted
    /// A weekly quiz answered with a score of at least the item's threshold (percent).
    case quizPassed
    /// Organizational life of the home side attended.
    case orgLifeHome
    /// Organizational life at an inflow or mobile-member organization attended (credited home).
    case orgLifeAway
    /// A vanguard-post diary entry the secretary marked 优秀.
    case diaryExcellent
    /// A pairing contact the member confirmed took place.
    case contactConfirmed
    /// Absent without leave from a member meeting (a deduction).
    case memberMeetingAbsent
    /// A deed described by the member (optional photo), approved by the branch secretary.
    case claim

    public var label: String {
        switch self {
        case .courseCompleted: return "自动：学完点学课程"
        case .quizPassed: return "自动：每周一学得分率达标"
        case .orgLifeHome: return "自动：参加本组织组织生活"
        case .orgLifeAway: return "自动：在流入地或流动党员党组织参加组织生活"
        case .diaryExcellent: return "自动：先锋岗日记被评为优秀"
        case .contactConfirmed: return "自动：结对联系经本人确认"
        case .memberMeetingAbsent: return "自动：无故缺席党员大会（扣分）"
        case .claim: return "申报：本人申报，党支部书记审核"
        }
    }

    /// What a member reads beside the entry: the fact it came from.
    public var factLabel: String {
        switch self {
        case .courseCompleted: return "学完课程"
        case .quizPassed: return "每周一学"
        case .orgLifeHome: return "参加组织生活"
        case .orgLifeAway: return "在外参加组织生活"
        case .diaryExcellent: return "优秀日记"
        case .contactConfirmed: return "结对联系"
        case .memberMeetingAbsent: return "缺席党员大会"
        case .claim: return "本人申报"
        }
    }
}

/// One item of a rule set (积分项目).
public struct PointItem: Codable, Equatable, Sendable {
    public var code: String
    public var name: String
    public var category: PointCategory
    /// Points per occurrence; negative for a deduction.
    public var points: Int
    /// At most this many points (in absolute value) per calendar month; nil for no cap.
    public var monthCap: Int?
    /// At most this many points (in absolute value) per year; nil for no cap.
    public var yearCap: Int?
    public var source: PointSource
    /// For `quizPassed`: the least score, in percent of the quiz's total.
    public var threshold: Int?

    public init(
        code: String, name: String, category: PointCategory, points: Int, monthCap: Int? = nil, yearCap: Int? = nil,
        source: PointSource, threshold: Int? = nil
    ) {
        self.code = code
        self.name = name
        self.category = category
        self.points = points
        self.monthCap = monthCap
        self.yearCap = yearCap
        self.source = source
        self.threshold = threshold
    }

    /// Words that would make an item count presence rather than deeds (logins, time online, clicks, daily check-ins).
    public static let refusedWords = [
        "登录", "登陆", "上线", "在线", "时长", "点击", "浏览", "访问", "打卡", "每日签到", "活跃",
        "login", "log in", "online", "click", "visit", "time spent",
    ]

    /// Every reason this item cannot be saved, in Chinese; empty when it is fine.
    public func problems() -> [String] {
        var out: [String] = []
        let codeOK =
            (1...16).contains(code.count) && code.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-") }
        if !codeOK { out.append("编码应为1–16位字母、数字或连字符") }
        if name.isEmpty || name.count > 40 { out.append("请填写项目名称（40字以内）") }
        let lower = (code + " " + name).lowercased()
        if let word = Self.refusedWords.first(where: { lower.contains($0) }) {
            out.append("积分只记实际做了什么，不能按登录、在线时长或点击计分（含“\(word)”）")
        }
        if points == 0 || abs(points) > 100 { out.append("每次分值应为 -100 到 100 之间的非零整数") }
        if source == .memberMeetingAbsent, points > 0 { out.append("缺席党员大会只能扣分（分值为负）") }
        if source != .memberMeetingAbsent, source != .claim, points < 0 {
            out.append("自动计分的项目（除缺席党员大会外）分值应为正；其他扣分项请用申报类")
        }
        for (label, cap) in [("每月上限", monthCap), ("每年上限", yearCap)] {
            if let c = cap, !(1...1000).contains(c) { out.append("\(label)应为 1 到 1000") }
        }
        if let m = monthCap, let y = yearCap, m > y { out.append("每月上限不能大于每年上限") }
        if source == .quizPassed {
            if !(1...100).contains(threshold ?? 0) { out.append("每周一学项目请填写得分率门槛（1–100）") }
        } else if threshold != nil {
            out.append("只有每周一学项目有得分率门槛")
        }
        return out
    }
}

/// One version of a county's rule set for a year, in effect from a date until the next version's date.
public struct PointRuleVersion: Codable, Equatable, Sendable {
    public var version: Int
    public var effectiveFrom: CalendarDate
    public var items: [PointItem]

    public init(version: Int, effectiveFrom: CalendarDate, items: [PointItem]) {
        self.version = version
        self.effectiveFrom = effectiveFrom
        self.items = items
    }

    /// Problems of the whole set: each item's, and codes used twice.
    public static func problems(_ items: [PointItem]) -> [(index: Int, message: String)] {
        var out: [(Int, String)] = []
        var seen: Set<String> = []
        for (i, item) in items.enumerated() {
            for p in item.problems() { out.append((i, p)) }
            if !seen.insert(item.code.uppercased()).inserted { out.append((i, "编码 \(item.code) 重复")) }
        }
        if items.isEmpty { out.append((0, "规则至少要有一个项目")) }
        return out
    }

    /// The product's default rule set (editable per county).
    public static let defaultItems: [PointItem] = [
        PointItem(
            code: "L01", name: "学完点学课程", category: .learning, points: 2, monthCap: 8, yearCap: 60,
            source: .courseCompleted),
        PointItem(
            code: "L02", name: "每周一学得分率达到60%", category: .learning, points: 1, monthCap: 4, yearCap: 40,
            source: .quizPassed, threshold: 60),
        PointItem(
            code: "O01", name: "参加本组织组织生活", category: .orgLife, points: 3, monthCap: 9, source: .orgLifeHome),
        PointItem(
            code: "O02", name: "在流入地参加组织生活", category: .orgLife, points: 3, monthCap: 9, source: .orgLifeAway),
        PointItem(
            code: "O03", name: "无故缺席党员大会", category: .orgLife, points: -5, yearCap: 20,
            source: .memberMeetingAbsent),
        PointItem(
            code: "V01", name: "先锋岗日记被评为优秀", category: .vanguard, points: 3, monthCap: 6, yearCap: 30,
            source: .diaryExcellent),
        PointItem(
            code: "V02", name: "志愿服务、帮扶群众", category: .vanguard, points: 5, monthCap: 10, yearCap: 40,
            source: .claim),
        PointItem(
            code: "V03", name: "受到表彰或见义勇为", category: .vanguard, points: 10, yearCap: 30, source: .claim),
        PointItem(
            code: "Q01", name: "与结对联系人保持联系", category: .other, points: 2, monthCap: 2, yearCap: 8,
            source: .contactConfirmed),
    ]
}

/// A recorded fact that may earn points: its kind, its id in its own table, the member, the day.
public struct PointFact: Sendable, Equatable {
    public var source: PointSource
    public var id: String
    public var member: UUID
    public var on: CalendarDate
    /// For a quiz: the score in percent (rounded down).
    public var percent: Int?
    /// For a claim: the item claimed.
    public var itemCode: String?
    /// What the member did, in a few words (course title, event topic…).
    public var detail: String

    public init(
        source: PointSource, id: String, member: UUID, on: CalendarDate, percent: Int? = nil, itemCode: String? = nil,
        detail: String
    ) {
        self.source = source
        self.id = id
        self.member = member
        self.on = on
        self.percent = percent
        self.itemCode = itemCode
        self.detail = detail
    }
}
