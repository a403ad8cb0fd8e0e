import Foundation

/// Which way a transfer of the organization relationship (组织关系转接) goes.
public enum TransferDirection: String, Codable, Sendable, CaseIterable {
    /// Out of our tree.
    case out
    /// Into our tree.
    case `in`
    /// Between two branches of our tree.
    case `internal`

    public var label: String {
        switch self {
        case .out: return "转出"
        case .in: return "转入"
        case .internal: return "本系统内转接"
        }
    }
}

/// 市内 / 省内 / 跨省, derived from the two organizations' divisions.
public enum TransferKind: String, Codable, Sendable, CaseIterable {
    case withinCity, withinProvince, crossProvince

    public var label: String {
        switch self {
        case .withinCity: return "市内"
        case .withinProvince: return "省内"
        case .crossProvince: return "跨省"
        }
    }
}

/// Through the national system online, or on a paper letter.
public enum TransferChannel: String, Codable, Sendable, CaseIterable {
    case online, paper

    public var label: String { self == .online ? "全国系统网上转接" : "纸质介绍信" }
}

/// 申请 → 支部同意 → 基层党委开具 → 已报到 → 回执已回 → 归档; 已撤销 from any step before 已报到.
public enum TransferState: String, Codable, Sendable, CaseIterable {
    case applied, approved, issued, reported, receiptBack, archived, cancelled

    public var label: String {
        switch self {
        case .applied: return "申请"
        case .approved: return "支部同意"
        case .issued: return "基层党委开具"
        case .reported: return "已报到"
        case .receiptBack: return "回执已回"
        case .archived: return "归档"
        case .cancelled: return "已撤销"
        }
    }

    /// Still in progress (neither archived nor cancelled).
    public var isOpen: Bool { self != .archived && self != .cancelled }
}

/// A step of a transfer.
public enum TransferStep: String, Codable, Sendable, CaseIterable {
    case approve, issue, report, receipt, archive, cancel, reissue

    public var label: String {
        switch self {
        case .approve: return "支部同意"
        case .issue: return "开具介绍信"
        case .report: return "确认报到"
        case .receipt: return "回执已回"
        case .archive: return "归档"
        case .cancel: return "撤销"
        case .reissue: return "重新开具"
        }
    }
}

/// The rules of transfers: the kind from the divisions, the letter's validity, the order of the steps, and what is
/// overdue. Messages are what a page or the API shows.
public enum TransferRules {
    /// The letter's validity in days: `cityDays` within the city, `elsewhereDays` beyond it, never above `capDays`.
    public struct Validity: Equatable, Sendable {
        public var cityDays: Int
        public var elsewhereDays: Int
        public var capDays: Int

        public init(cityDays: Int = 10, elsewhereDays: Int = 30, capDays: Int = 90) {
            self.cityDays = cityDays
            self.elsewhereDays = elsewhereDays
            self.capDays = capDays
        }

        public static let standard = Validity()
    }

    /// Days after 已报到 by which the receipt should be back.
    public static let receiptDays = 30

    /// 市内 when the first four digits of the two divisions agree, 省内 when the first two do, else 跨省. An unknown
    /// division (empty) counts as another province.
    public static func kind(from: String, to: String) -> TransferKind {
        guard from.count >= 4, to.count >= 4 else { return .crossProvince }
        if from.prefix(4) == to.prefix(4) { return .withinCity }
        if from.prefix(2) == to.prefix(2) { return .withinProvince }
        return .crossProvince
    }

    /// The validity for a kind; a requested number of days is allowed up to the cap (3 months) and refused beyond.
    public static func validityDays(_ kind: TransferKind, requested: Int?, settings: Validity = .standard) -> Result<
        Int, RuleError
    > {
        if let requested {
            guard requested >= 1, requested <= settings.capDays else {
                return .failure(.field("validDays", "介绍信有效期应为1至\(settings.capDays)天（最长3个月）"))
            }
            return .success(requested)
        }
        return .success(min(kind == .withinCity ? settings.cityDays : settings.elsewhereDays, settings.capDays))
    }

    /// The state a step leads to from `state`, or why it may not be taken now.
    public static func next(_ state: TransferState, _ step: TransferStep) -> Result<TransferState, RuleError> {
        let to: TransferState?
        switch (step, state) {
        case (.approve, .applied): to = .approved
        case (.issue, .approved): to = .issued
        case (.reissue, .issued): to = .issued
        case (.report, .issued): to = .reported
        case (.receipt, .reported): to = .receiptBack
        case (.archive, .receiptBack): to = .archived
        case (.cancel, .applied), (.cancel, .approved), (.cancel, .issued): to = .cancelled
        default: to = nil
        }
        guard let to else {
            return .failure(.conflict("当前状态为“\(state.label)”，不能\(step.label)"))
        }
        return .success(to)
    }

    /// An issued letter past its validity without 已报到 (overdue from the day after the last valid day).
    public static func letterOverdue(_ state: TransferState, validUntil: CalendarDate?, today: CalendarDate) -> Bool {
        guard state == .issued, let validUntil else { return false }
        return today > validUntil
    }

    /// 已报到 more than 30 days ago and the receipt not back.
    public static func receiptOverdue(_ state: TransferState, reportedOn: CalendarDate?, today: CalendarDate) -> Bool {
        guard state == .reported, let reportedOn else { return false }
        return today > reportedOn.adding(days: receiptDays)
    }

    /// A reason (cancel, re-issue's papers): 2 to 200 characters.
    public static func reason(_ raw: String?, field: String = "reason", what: String = "原因") -> Result<
        String, RuleError
    > {
        guard let r = Normalize.text(raw), (2...200).contains(r.count) else {
            return .failure(.field(field, "请填写\(what)（2至200字）"))
        }
        return .success(r)
    }

    /// The other side named outside our tree: a name (2 to 60 characters) and a division code.
    public static func outside(name: String?, division: String?, divisions: (String) -> Bool) -> Result<
        (name: String, division: String), RuleError
    > {
        guard let n = Normalize.text(name), (2...60).contains(n.count) else {
            return .failure(.field("toOrgName", "请填写对方党组织名称（2至60字）"))
        }
        guard let d = Normalize.text(division), d.count == 6, d.allSatisfy({ $0.isASCII && $0.isNumber }), divisions(d)
        else { return .failure(.field("toDivision", "请选择对方党组织所在地（行政区划）")) }
        return .success((n, d))
    }

    /// Months at one place after which a transfer is suggested (an alert, never a decision).
    public static let suggestAfterMonths = 6
    /// A branch's 保留在原籍 stands for a year, then the suggestion comes back to be rechecked.
    public static let holdMonths = 12

    /// Whether to suggest 建议转移组织关系 on `today`: six months or more at one place (since arriving there, moving
    /// there, or leaving home), not abroad, no transfer in progress, no 保留在原籍 decided within the year.
    public static func suggestTransfer(
        since: CalendarDate, abroad: Bool, transferInProgress: Bool, heldOn: CalendarDate?, today: CalendarDate
    ) -> Bool {
        guard !abroad, !transferInProgress, CertificateRules.adding(months: suggestAfterMonths, to: since) <= today
        else { return false }
        if let heldOn, CertificateRules.adding(months: holdMonths, to: heldOn) > today { return false }
        return true
    }

    /// The first day a place counts from, for the suggestion's query: six months before `today`.
    public static func suggestCutoff(today: CalendarDate) -> CalendarDate {
        CertificateRules.adding(months: -suggestAfterMonths, to: today)
    }

    /// The first day a 保留在原籍 still stands: a year before `today`.
    public static func holdCutoff(today: CalendarDate) -> CalendarDate {
        CertificateRules.adding(months: -holdMonths, to: today)
    }
}
