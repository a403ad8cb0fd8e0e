import Foundation

/// What a roster search box was given: a name, or a lookup by a personal number. A lookup by number is a lookup of a
/// person's number (issue 25): only roles that may reveal numbers look up ID numbers (whole or last four) and whole
/// phones; other roles search by name and by the phone's last digits. Every lookup by number is counted and audited.
public enum RosterQuery: Equatable, Sendable {
    case name(String)
    /// 18 characters: one ID number, found through its keyed hash.
    case idNumber(String)
    /// 11 digits: one phone number, found through its keyed hash.
    case phone(String)
    /// 4 characters: the last four of an ID number (keyed hash) or of a phone.
    case tail(String)
    /// 1–4 digits matched against the phones' last digits only.
    case phoneTail(String)

    /// Reads a search box (already normalized: half-width, no spaces); nil when empty.
    public static func parse(_ text: String) -> RosterQuery? {
        guard !text.isEmpty else { return nil }
        let upper = text.uppercased()
        let digits = upper.allSatisfy { $0.isASCII && ($0.isNumber || $0 == "X") }
        guard digits else { return .name(text) }
        switch upper.count {
        case 18: return .idNumber(upper)
        case 11 where !upper.contains("X"): return .phone(upper)
        case 4: return .tail(upper)
        case 1..<4 where !upper.contains("X"): return .phoneTail(upper)
        default: return .name(text)
        }
    }

    /// A lookup by number (counted against the hourly limit and audited), not a name.
    public var isNumberLookup: Bool {
        if case .name = self { return false }
        return true
    }

    /// What an account may run: everything when it may reveal numbers; otherwise names and phone tails (a four-digit
    /// tail searches phones only), and nil for an ID number or a whole phone.
    public func allowed(canRevealNumbers: Bool) -> RosterQuery? {
        if canRevealNumbers { return self }
        switch self {
        case .name, .phoneTail: return self
        case .tail(let t): return t.contains("X") ? nil : .phoneTail(t)
        case .idNumber, .phone: return nil
        }
    }

    /// A label for the audit line (the value itself is stored only as a keyed hash).
    public var kindLabel: String {
        switch self {
        case .name: return "姓名"
        case .idNumber: return "身份证号"
        case .phone: return "手机号"
        case .tail: return "身份证号或手机号后四位"
        case .phoneTail: return "手机号尾号"
        }
    }

    /// The text looked up.
    public var text: String {
        switch self {
        case .name(let t), .idNumber(let t), .phone(let t), .tail(let t), .phoneTail(let t): return t
        }
    }
}
