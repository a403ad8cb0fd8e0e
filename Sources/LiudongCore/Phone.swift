/// A contact telephone number: a mainland mobile (11 digits, 1[3-9]…) or a landline with area code.
public enum Phone {
    public enum Problem: Error, Equatable, Sendable {
        case empty, invalid
        public var message: String {
            switch self {
            case .empty: return "请填写手机号码"
            case .invalid: return "手机号码应为11位数字、以1开头（座机请写区号，如0476-8888888）"
            }
        }
    }

    /// Normalizes (half-width, no spaces, drops a +86 prefix) and validates.
    public static func parse(_ raw: String) -> Result<String, Problem> {
        var s = Normalize.halfWidth(raw).filter { !$0.isWhitespace }
        if s.isEmpty { return .failure(.empty) }
        if s.hasPrefix("+86") { s.removeFirst(3) } else if s.hasPrefix("86"), s.count == 13 { s.removeFirst(2) }
        let digits = s.allSatisfy { $0.isASCII && $0.isNumber }
        if digits, s.count == 11, s.hasPrefix("1"), let second = s.dropFirst().first, "3456789".contains(second) {
            return .success(s)
        }
        // Landline: 0 + 2-3 digit area code, a dash, 7-8 digits.
        let parts = s.split(separator: "-")
        if parts.count == 2, parts[0].hasPrefix("0"), (3...4).contains(parts[0].count),
            (7...8).contains(parts[1].count), (parts[0] + parts[1]).allSatisfy({ $0.isASCII && $0.isNumber })
        {
            return .success(s)
        }
        return .failure(.invalid)
    }

    /// The number normalized when it is a mainland mobile (one that can take an SMS), nil for a landline or garbage.
    public static func mobile(_ raw: String) -> String? {
        guard case .success(let p) = parse(raw), !p.contains("-") else { return nil }
        return p
    }
}
