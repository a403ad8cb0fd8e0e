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
        var plain = true
        for b in s.utf8 where b <= 0x20 || b == 0xE3 || b == 0xEF || b == 0xC2 { plain = false; break }
        if plain { return s }   // no space of any kind, no full-width form
        return halfWidth(s).filter { !$0.isWhitespace }
    }

    /// A spreadsheet cell cleaned: full-width folded to half-width, trimmed. Plain ASCII cells (most of a file)
    /// come back untouched without going through Foundation.
    public static func cell(_ s: String) -> String {
        // Fast path: nothing to fold (no full-width form, ideographic or no-break space) and nothing to trim.
        let u = s.utf8
        guard let first = u.first, let last = u.last else { return s }
        if first > 0x20 && last > 0x20 && first != 0x7F {
            var clean = true
            var prev2: UInt8 = 0, prev1: UInt8 = 0
            for b in u {
                if b < 0x20 || (prev1 == 0xEF && (b == 0xBC || b == 0xBD) && prev2 != 0xEF) || (prev2 == 0xE3 && prev1 == 0x80 && b == 0x80)
                    || (prev1 == 0xC2 && b == 0xA0) { clean = false; break }
                prev2 = prev1; prev1 = b
            }
            // A trailing multi-byte space (U+3000) also needs trimming.
            if clean && !(u.count >= 3 && last == 0x80 && prev1 == 0x80 && prev2 == 0xE3) { return s }
        }
        var out = String.UnicodeScalarView()
        for u in s.unicodeScalars {
            if u.value == 0x3000 || u.value == 0x00A0 { out.append(" ") }
            else if (0xFF01...0xFF5E).contains(u.value), let h = Unicode.Scalar(u.value - 0xFEE0) { out.append(h) }
            else { out.append(u) }
        }
        var scalars = Substring(String(out))
        while let f = scalars.first, f.isWhitespace { scalars.removeFirst() }
        while let l = scalars.last, l.isWhitespace { scalars.removeLast() }
        return String(scalars)
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
