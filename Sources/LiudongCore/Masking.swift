/// How sensitive numbers are shown on screen and in exports.
public enum Masking {
    /// `150422********123X`: division code and the last four kept.
    public static func idNumber(_ s: String) -> String {
        guard s.count >= 10 else { return String(repeating: "*", count: s.count) }
        return String(s.prefix(6)) + String(repeating: "*", count: s.count - 10) + String(s.suffix(4))
    }

    /// `138****5678` for a mobile number; other numbers keep their first three and last four.
    public static func phone(_ s: String) -> String {
        guard s.count >= 7 else { return String(repeating: "*", count: s.count) }
        return String(s.prefix(3)) + String(repeating: "*", count: s.count - 7) + String(s.suffix(4))
    }
}

/// Text clean-up shared by forms and imports.
public enum Normalize {
    /// Folds full-width ASCII (digits, letters, punctuation, the ideographic space) to half-width.
    public static func halfWidth(_ s: String) -> String {
        var out = String.UnicodeScalarView()
        for u in s.unicodeScalars {
            if u.value == 0x3000 { out.append(" ") }
            else if (0xFF01...0xFF5E).contains(u.value), let h = Unicode.Scalar(u.value - 0xFEE0) { out.append(h) }
            else { out.append(u) }
        }
        return String(out)
    }

    /// Half-width, trimmed, inner runs of white space removed — for comparing names.
    public static func key(_ s: String) -> String {
        halfWidth(s).filter { !$0.isWhitespace }
    }

    /// Trimmed, with runs of spaces collapsed; nil when empty.
    public static func text(_ s: String?) -> String? {
        guard let s else { return nil }
        let t = halfWidthSpaces(s).trimmingCharacters(in: .whitespacesAndNewlines)
        return t.isEmpty ? nil : t
    }

    static func halfWidthSpaces(_ s: String) -> String {
        s.replacingOccurrences(of: "\u{3000}", with: " ")
    }
}
