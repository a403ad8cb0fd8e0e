/// What a member asks for (诉求类别). Wage arrears and labour disputes are their own kinds for the statistics of
/// rights protection (权益维护); with legal aid they go to legal service stations when there is one.
public enum ServiceRequestKind: String, CaseIterable, Codable, Sendable {
    case employment, legal, wageArrears, labourDispute, hardship, schooling, medical, certificate, other

    public var label: String {
        switch self {
        case .employment: return "就业创业"
        case .legal: return "法律援助"
        case .wageArrears: return "欠薪"
        case .labourDispute: return "劳动争议"
        case .hardship: return "生活困难"
        case .schooling: return "子女入学"
        case .medical: return "医疗社保"
        case .certificate: return "组织关系与证明"
        case .other: return "其他"
        }
    }

    /// Rights protection (权益维护): legal aid, wage arrears, labour disputes.
    public var isRights: Bool { self == .legal || self == .wageArrears || self == .labourDispute }

    /// A matter of the place where the member lives and works, handled by the inflow side when it can; the rest
    /// (hardship, the party relationship and certificates, anything else) by the home branch.
    public var isLocal: Bool {
        switch self {
        case .employment, .legal, .wageArrears, .labourDispute, .schooling, .medical: return true
        case .hardship, .certificate, .other: return false
        }
    }
}

/// Where a request stands (诉求办理状态): 已提交 → 已受理 → 办理中 → 已答复 → 已办结.
public enum ServiceRequestStatus: String, CaseIterable, Codable, Sendable {
    case submitted, accepted, inProgress, answered, closed

    public var label: String {
        switch self {
        case .submitted: return "已提交"
        case .accepted: return "已受理"
        case .inProgress: return "办理中"
        case .answered: return "已答复"
        case .closed: return "已办结"
        }
    }

    /// Still with the handling side (not yet answered).
    public var isOpen: Bool { self == .submitted || self == .accepted || self == .inProgress }
}

/// The service mechanisms' deadlines (settings the city keeps): working days to acknowledge and to answer, calendar
/// days a member may reopen a closed request, and days after an answer before an unrated request closes itself.
public struct ServiceDeadlines: Codable, Equatable, Sendable {
    public var acknowledgeDays: Int
    public var answerDays: Int
    public var reopenDays: Int
    public var autoCloseDays: Int

    public init(acknowledgeDays: Int = 2, answerDays: Int = 15, reopenDays: Int = 7, autoCloseDays: Int = 7) {
        self.acknowledgeDays = acknowledgeDays
        self.answerDays = answerDays
        self.reopenDays = reopenDays
        self.autoCloseDays = autoCloseDays
    }

    /// Problems in Chinese, per field (empty when the settings can be saved).
    public func problems() -> [(field: String, message: String)] {
        var out: [(String, String)] = []
        if !(1...10).contains(acknowledgeDays) { out.append(("acknowledgeDays", "受理时限应为1至10个工作日")) }
        if !(1...60).contains(answerDays) { out.append(("answerDays", "答复时限应为1至60个工作日")) }
        if answerDays < acknowledgeDays { out.append(("answerDays", "答复时限不能短于受理时限")) }
        if !(1...30).contains(reopenDays) { out.append(("reopenDays", "重新办理的期限应为1至30天")) }
        if !(1...30).contains(autoCloseDays) { out.append(("autoCloseDays", "自动办结的期限应为1至30天")) }
        return out
    }
}
