import Foundation

/// Why a member left the roster (党员减少).
public enum ExitKind: String, Codable, Sendable, CaseIterable {
    case death, transferOut, stopped, removed, withdrew, expelled, other

    public var label: String {
        switch self {
        case .death: return "死亡"
        case .transferOut: return "转出"
        case .stopped: return "停止党籍"
        case .removed: return "除名"
        case .withdrew: return "退党"
        case .expelled: return "开除党籍"
        case .other: return "出党（其他）"
        }
    }
}

/// An exit as recorded, checked.
public struct CheckedExit: Equatable, Sendable {
    public var kind: ExitKind
    public var day: CalendarDate
    public var reason: String
}

/// The rules of leaving the roster and coming back: an exit has a kind, a day not in the future and a reason; a
/// mistake is undone with a reason; 停止党籍 may be restored (恢复党籍) within the county's period.
public enum ExitRules {
    /// Years within which 停止党籍 may be restored, unless the county sets another period.
    public static let restoreYears = 2

    /// An exit recorded by staff (转出 comes from a transfer, never typed).
    public static func exit(kind raw: String?, on day: String?, reason: String?, today: CalendarDate) -> Result<
        CheckedExit, RuleError
    > {
        var problems: [RuleProblem] = []
        let kind = Normalize.text(raw).flatMap(ExitKind.init(rawValue:))
        if kind == nil || kind == .transferOut {
            problems.append(RuleProblem("kind", "请选择减少类型（死亡、停止党籍、除名、退党、开除党籍或其他出党）；转出请走组织关系转接"))
        }
        let d = Normalize.text(day).flatMap { CalendarDate($0) }
        if d == nil || d! > today || d! < today.adding(days: -3660) {
            problems.append(RuleProblem("on", "请填写减少日期（不晚于今天、十年内）"))
        }
        let r = Normalize.text(reason)
        if r == nil || !(2...500).contains(r!.count) {
            problems.append(RuleProblem("reason", "请填写依据或原因（2至500字，如决定文号）"))
        }
        guard problems.isEmpty, let kind, let d, let r else { return .failure(.invalid(problems)) }
        return .success(CheckedExit(kind: kind, day: d, reason: r))
    }

    /// Whether 停止党籍 of `exitedOn` may still be restored on `today`: up to the same day `years` later (28 February
    /// for a 29 February).
    public static func canRestore(
        _ kind: ExitKind, exitedOn: CalendarDate, today: CalendarDate, years: Int = restoreYears
    )
        -> Bool
    {
        guard kind == .stopped else { return false }
        let y = exitedOn.year + years
        guard
            let last = CalendarDate(year: y, month: exitedOn.month, day: exitedOn.day)
                ?? CalendarDate(year: y, month: exitedOn.month, day: 28)
        else { return false }
        return today <= last
    }
}

/// Where a member stands on the roster (stored on the member; empty means on the roster).
public enum RosterState: String, Codable, Sendable, CaseIterable {
    case exited, transferringIn, merged

    public var label: String {
        switch self {
        case .exited: return "已减少"
        case .transferringIn: return "转入中"
        case .merged: return "已合并（重复登记）"
        }
    }
}
