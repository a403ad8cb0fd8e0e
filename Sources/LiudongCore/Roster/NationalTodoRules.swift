import Foundation

/// A change that must also be entered into the national system (全国党员管理信息系统, 双向登记).
public enum NationalChange: String, Codable, Sendable, CaseIterable {
    case outflow, inflow, destination, `return`, transfer, exit

    public var label: String {
        switch self {
        case .outflow: return "流出登记"
        case .inflow: return "流入登记"
        case .destination: return "外出地点变更"
        case .return: return "返回"
        case .transfer: return "组织关系转接"
        case .exit: return "党员减少"
        }
    }
}

/// What the national export shows once the change is entered, by which a later import ticks the line itself.
public enum NationalExpectation: String, Codable, Sendable, CaseIterable {
    /// The member in the export, flagged mobile.
    case mobile
    /// In the export, not flagged mobile.
    case notMobile
    /// Absent from the export (reduced, transferred out).
    case absent
    /// In the export (restored to the roster).
    case present
    /// In the export under the member's branch now (a move between our branches).
    case inBranch
    /// Nothing the export can show (an intermediate step): ticked by staff.
    case none
}

/// How one member appears in a national export of the quarter.
public struct NationalSighting: Equatable, Sendable {
    public var present: Bool
    public var isMobile: Bool
    public var inBranch: Bool

    public init(present: Bool, isMobile: Bool, inBranch: Bool) {
        self.present = present
        self.isMobile = isMobile
        self.inBranch = inBranch
    }
}

/// The rules of the national system's to-do list: when a line is overdue, and whether an export shows its change.
public enum NationalTodoRules {
    /// Days after which an open line is overdue.
    public static let overdueDays = 30

    public static func overdue(since: CalendarDate, today: CalendarDate) -> Bool {
        today > since.adding(days: overdueDays)
    }

    /// Whether the national export shows the change the line expects.
    public static func shows(_ expect: NationalExpectation, _ s: NationalSighting) -> Bool {
        switch expect {
        case .mobile: return s.present && s.isMobile
        case .notMobile: return s.present && !s.isMobile
        case .absent: return !s.present
        case .present: return s.present
        case .inBranch: return s.present && s.inBranch
        case .none: return false
        }
    }

    /// The day staff say it was entered: not in the future, not before the line.
    public static func entered(on raw: String?, since: CalendarDate, today: CalendarDate) -> Result<
        CalendarDate, RuleError
    > {
        guard let d = Normalize.text(raw).flatMap({ CalendarDate($0) }), d <= today, d >= since else {
            return .failure(.field("on", "录入日期应在\(since)到今天之间"))
        }
        return .success(d)
    }
}
