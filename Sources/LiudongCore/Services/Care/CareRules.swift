import Foundation

/// Why a member is registered as in difficulty (困难党员).
public enum HardshipKind: String, CaseIterable, Codable, Sendable {
    case illness, disability, lowIncome, disaster, family

    public var label: String {
        switch self {
        case .illness: return "重病"
        case .disability: return "残疾"
        case .lowIncome: return "低收入"
        case .disaster: return "受灾"
        case .family: return "家庭变故"
        }
    }
}

/// How hard: 一般困难 / 比较困难 / 特别困难.
public enum HardshipLevel: Int, CaseIterable, Codable, Sendable {
    case ordinary = 1, serious = 2, severe = 3

    public var label: String {
        switch self {
        case .ordinary: return "一般困难"
        case .serious: return "比较困难"
        case .severe: return "特别困难"
        }
    }
}

/// The festival a care campaign (节日慰问) is for.
public enum CareFestival: String, CaseIterable, Codable, Sendable {
    case springFestival, julyFirst, doubleNinth, custom

    public var label: String {
        switch self {
        case .springFestival: return "春节"
        case .julyFirst: return "七一"
        case .doubleNinth: return "重阳"
        case .custom: return "其他"
        }
    }
}

/// Whom a care campaign visits: each criterion the campaign chose, tested on one member.
public struct CareCriteria: Codable, Equatable, Sendable {
    /// Registered as in difficulty (an open hardship record).
    public var hardship: Bool
    /// Aged 70 or more on the campaign's first day.
    public var aged70: Bool
    /// 50 years or more in the Party on the campaign's first day (光荣在党50年).
    public var party50: Bool
    /// Away on an open flow that began 180 days or more before the campaign's first day (long-term mobile members
    /// away for the festival).
    public var longAway: Bool

    public init(hardship: Bool = true, aged70: Bool = true, party50: Bool = true, longAway: Bool = true) {
        self.hardship = hardship
        self.aged70 = aged70
        self.party50 = party50
        self.longAway = longAway
    }

    public var any: Bool { hardship || aged70 || party50 || longAway }

    /// The reasons a member is a target (empty: not a target), in the order shown.
    public func reasons(
        start: CalendarDate, birth: CalendarDate?, joined: CalendarDate?, inHardship: Bool, awaySince: CalendarDate?
    ) -> [String] {
        var out: [String] = []
        if hardship, inHardship { out.append("困难党员") }
        if aged70, let b = birth, b.years(until: start) >= 70 { out.append("70岁以上") }
        if party50, let j = joined, j.years(until: start) >= 50 { out.append("党龄50年以上") }
        if longAway, let a = awaySince, a.adding(days: 180) <= start { out.append("长期在外流动") }
        return out
    }
}

/// Where a hardship record stands; the raw value is what `hardship_records.status` holds.
public enum HardshipStatus: String, Codable, CaseIterable, Sendable {
    /// In the register (在册), reviewed every year.
    case active
    /// Taken off the register (销号) with a reason.
    case closed
}

/// What help was given; the raw value is what `hardship_help.form` holds.
public enum HelpKind: String, Codable, CaseIterable, Sendable {
    case money, goods

    /// The help as the record and the archive show it.
    public func text(amount: Int, goods: String?) -> String {
        self == .money ? "资金\(amount)元" : "物资：\(goods ?? "")（折合\(amount)元）"
    }
}

/// How a care visit was made; the raw value is what `care_visits.way` holds.
public enum CareVisitWay: String, Codable, CaseIterable, Sendable {
    case visit, call, video

    public var label: String {
        switch self {
        case .visit: return "上门慰问"
        case .call: return "电话慰问"
        case .video: return "视频慰问"
        }
    }

    /// The label of a stored value (the value itself when unknown).
    public static func label(_ raw: String) -> String { CareVisitWay(rawValue: raw)?.label ?? raw }
}

/// A member in difficulty as registered, checked.
public struct CheckedHardship: Equatable, Sendable {
    public var kind: HardshipKind
    public var level: HardshipLevel
    public var description: String
    public var verifiedBy: String
    public var verifiedOn: CalendarDate
    /// A year after the verification.
    public var reviewDue: CalendarDate
}

/// Help given, checked.
public struct CheckedHelp: Equatable, Sendable {
    public var givenOn: CalendarDate
    public var kind: HelpKind
    public var amount: Int
    public var goods: String?
    public var givenBy: String
    public var source: String
}

/// A care campaign as set up, checked.
public struct CheckedCampaign: Equatable, Sendable {
    public var festival: CareFestival
    public var name: String
    public var startsOn: CalendarDate
    public var endsOn: CalendarDate
    public var criteria: CareCriteria
}

/// A care visit, checked.
public struct CheckedVisit: Equatable, Sendable {
    public var visitedOn: CalendarDate
    public var way: CareVisitWay
    public var visitor: String
    public var gifts: String
    public var situation: String
}

/// One child organization's line of a campaign's progress.
public struct CareProgressLine: Equatable, Sendable {
    public var code: String
    public var name: String
    public var targets: Int
    public var visited: Int
}

/// The decisions of hardship help and festival care (困难帮扶、节日慰问) over plain facts.
public enum CareRules {
    /// A registration: kind, level, the situation (5 to 1,000 characters), who verified it and when (not after today).
    public static func hardship(
        kind: String?, level: String?, description: String?, verifiedBy: String?, verifiedOn: String?,
        today: CalendarDate
    ) -> Result<CheckedHardship, RuleError> {
        var errors: [RuleProblem] = []
        let kind = kind.flatMap(HardshipKind.init(rawValue:))
        if kind == nil { errors.append(RuleProblem("kind", "请选择困难类型")) }
        let level = level.flatMap { Int($0) }.flatMap(HardshipLevel.init(rawValue:))
        if level == nil { errors.append(RuleProblem("level", "请选择困难程度")) }
        let text = Normalize.text(description)
        if (text?.count ?? 0) < 5 || (text?.count ?? 0) > 1_000 {
            errors.append(RuleProblem("description", "请写明困难情况（5至1000字）"))
        }
        let verifier = Normalize.text(verifiedBy)
        if verifier == nil || (verifier?.count ?? 0) > 30 { errors.append(RuleProblem("verifiedBy", "请写明核实人")) }
        let verified = verifiedOn.flatMap { CalendarDate($0) }
        if verified == nil || (verified.map { $0 > today } ?? false) {
            errors.append(RuleProblem("verifiedOn", "请填写核实日期（不晚于今天）"))
        }
        guard errors.isEmpty, let kind, let level, let text, let verifier, let verified else {
            return .failure(.invalid(errors))
        }
        return .success(
            CheckedHardship(
                kind: kind, level: level, description: text, verifiedBy: verifier, verifiedOn: verified,
                reviewDue: verified.adding(days: 365)))
    }

    /// The yearly review of a record in the register: kept (nil) or closed with a reason (2 to 200 characters).
    public static func review(_ status: HardshipStatus, keep: Bool, note: String?) -> Result<String?, RuleError> {
        guard status == .active else { return .failure(.conflict("这条记录已经销号")) }
        if keep { return .success(nil) }
        guard let reason = Normalize.text(note), reason.count >= 2, reason.count <= 200 else {
            return .failure(.field("note", "请写明销号原因"))
        }
        return .success(reason)
    }

    /// Help given to a member in the register: the day (not after today), money or goods (what), the amount in yuan
    /// (0 to 1,000,000), by whom and from which source. The fields are checked before the record's state.
    public static func help(
        givenOn: String?, form: String?, amount: String?, goods: String?, givenBy: String?, source: String?,
        status: HardshipStatus, today: CalendarDate
    ) -> Result<CheckedHelp, RuleError> {
        var errors: [RuleProblem] = []
        let day = givenOn.flatMap { CalendarDate($0) }
        if day == nil || (day.map { $0 > today } ?? false) {
            errors.append(RuleProblem("givenOn", "请填写帮扶日期（不晚于今天）"))
        }
        let kind = form.flatMap(HelpKind.init(rawValue:))
        if kind == nil { errors.append(RuleProblem("form", "请选择资金或物资")) }
        let amount = amount.flatMap { Int($0.trimmingCharacters(in: .whitespaces)) }
        if amount == nil || !(0...1_000_000).contains(amount ?? -1) {
            errors.append(RuleProblem("amount", "金额（元）应为0至1000000的整数"))
        }
        let goods = Normalize.text(goods)
        if kind == .goods, goods == nil { errors.append(RuleProblem("goods", "请写明物资")) }
        let by = Normalize.text(givenBy)
        if by == nil || (by?.count ?? 0) > 60 { errors.append(RuleProblem("givenBy", "请写明帮扶人或单位")) }
        let source = Normalize.text(source)
        if source == nil || (source?.count ?? 0) > 60 { errors.append(RuleProblem("source", "请写明资金或物资来源")) }
        guard errors.isEmpty, let day, let kind, let amount, let by, let source else {
            return .failure(.invalid(errors))
        }
        guard status == .active else { return .failure(.conflict("这条记录已经销号")) }
        return .success(
            CheckedHelp(
                givenOn: day, kind: kind, amount: amount, goods: goods.map { String($0.prefix(200)) }, givenBy: by,
                source: source))
    }

    /// A campaign: a festival, a name (made from the festival and this year when empty, at most 40 characters), a
    /// period of at most three months, at least one kind of target.
    public static func campaign(
        festival: String?, name: String?, startsOn: String?, endsOn: String?, criteria: CareCriteria,
        today: CalendarDate
    ) -> Result<CheckedCampaign, RuleError> {
        var errors: [RuleProblem] = []
        let festival = festival.flatMap(CareFestival.init(rawValue:))
        if festival == nil { errors.append(RuleProblem("festival", "请选择节日")) }
        let name = Normalize.text(name) ?? festival.map { "\(today.year)年\($0.label)慰问" }
        if (name?.count ?? 0) > 40 { errors.append(RuleProblem("name", "名称不能超过40字")) }
        let start = startsOn.flatMap { CalendarDate($0) }
        let end = endsOn.flatMap { CalendarDate($0) }
        if start == nil { errors.append(RuleProblem("startsOn", "请填写开始日期")) }
        if end == nil { errors.append(RuleProblem("endsOn", "请填写结束日期")) }
        if let s = start, let e = end, e < s || s.adding(days: 92) < e {
            errors.append(RuleProblem("endsOn", "结束日期应在开始日期之后，且活动不超过三个月"))
        }
        if !criteria.any { errors.append(RuleProblem("criteria", "请至少选择一类慰问对象")) }
        guard errors.isEmpty, let festival, let name, let start, let end else { return .failure(.invalid(errors)) }
        return .success(
            CheckedCampaign(festival: festival, name: name, startsOn: start, endsOn: end, criteria: criteria))
    }

    /// A visit of a campaign: on a day within it (up to 30 days early) and not after today, a way, the visitor, the
    /// gifts (无 when none, at most 200 characters), how the member is (2 to 1,000 characters).
    public static func visit(
        visitedOn: String?, way: String?, visitor: String?, gifts: String?, situation: String?,
        startsOn: String, endsOn: String, today: CalendarDate
    ) -> Result<CheckedVisit, RuleError> {
        var errors: [RuleProblem] = []
        let day = visitedOn.flatMap { CalendarDate($0) }
        if let d = day, let s = CalendarDate(startsOn), let e = CalendarDate(endsOn) {
            if d < s.adding(days: -30) || d > e || d > today {
                errors.append(RuleProblem("visitedOn", "慰问日期应在活动期间（可提前30天），且不晚于今天"))
            }
        } else {
            errors.append(RuleProblem("visitedOn", "请填写慰问日期"))
        }
        let way = way.flatMap(CareVisitWay.init(rawValue:))
        if way == nil { errors.append(RuleProblem("way", "请选择慰问方式")) }
        let visitor = Normalize.text(visitor)
        if visitor == nil || (visitor?.count ?? 0) > 60 { errors.append(RuleProblem("visitor", "请写明慰问人")) }
        let gifts = Normalize.text(gifts) ?? "无"
        if gifts.count > 200 { errors.append(RuleProblem("gifts", "慰问品不能超过200字")) }
        let situation = Normalize.text(situation)
        if (situation?.count ?? 0) < 2 || (situation?.count ?? 0) > 1_000 {
            errors.append(RuleProblem("situation", "请写明党员近况（2至1000字）"))
        }
        guard errors.isEmpty, let day, let way, let visitor, let situation else { return .failure(.invalid(errors)) }
        return .success(CheckedVisit(visitedOn: day, way: way, visitor: visitor, gifts: gifts, situation: situation))
    }

    /// The kinds of target a campaign visits, as its page lists them.
    public static func criteriaText(_ k: CareCriteria) -> String {
        [(k.hardship, "困难党员"), (k.aged70, "70岁以上"), (k.party50, "党龄50年以上"), (k.longAway, "长期在外流动党员")]
            .filter(\.0).map(\.1).joined(separator: "、")
    }

    /// A campaign's progress per child organization (in the order given; those without targets left out) from its
    /// targets, each known by its branch's path.
    public static func progress(
        targets: [(branchPath: String, visited: Bool)], children: [(code: String, name: String, path: String)]
    ) -> [CareProgressLine] {
        children.compactMap { child in
            let mine = targets.filter { $0.branchPath.hasPrefix(child.path) }
            guard !mine.isEmpty else { return nil }
            return CareProgressLine(
                code: child.code, name: child.name, targets: mine.count, visited: mine.filter(\.visited).count)
        }
    }
}
