/// How sensitive numbers are shown on screen and in exports.
///
/// The rule (DESIGN §4, README “Security and privacy”): a masked ID number together with everything else the same
/// view shows of that person must leave at least 1,000 possible numbers. The masked form keeps the division (6)
/// and the check digit (1); beside it a view may show the birth year and month and the sex, never the full
/// birth date: 28 days × 500 sequence numbers of that sex ÷ 11 check digits ≈ 1,270 numbers at the least.
public enum Masking {
    /// `150422***********X`: the division code and the check digit kept.
    public static func idNumber(_ s: String) -> String {
        guard s.count >= 10 else { return String(repeating: "*", count: s.count) }
        return String(s.prefix(6)) + String(repeating: "*", count: s.count - 7) + String(s.suffix(1))
    }

    /// A number of which only the last four characters are at hand, as a view may show it: the check digit alone
    /// (`…***X`). The three sequence digits before it are what the masked form hides; beside a link to the member
    /// (whose page shows the division and the birth month) they would leave about three candidates.
    public static func tail(_ lastFour: String) -> String {
        guard let check = lastFour.last else { return "" }
        return "…***" + String(check)
    }

    /// A self-report's receipt as staff see it: its first four characters (`ET5C…`). The member's own pages show it
    /// whole; staff never need the rest, and a receipt once helped activate a member's phone account.
    public static func receipt(_ r: String) -> String { r.count <= 4 ? r : String(r.prefix(4)) + "…" }

    /// What may sit in the database in clear beside the birth date: the division only (`150422************`).
    public static func idStored(_ s: String) -> String {
        String(s.prefix(6)) + String(repeating: "*", count: max(0, 18 - min(6, s.count)))
    }

    /// The birth date as a view beside a masked number may show it: year and month (`1985-03`).
    public static func birthMonth(_ isoDate: String) -> String { String(isoDate.prefix(7)) }

    /// How many valid ID numbers fit a masked number and what a view shows beside it (`birth`: `yyyy-mm-dd`,
    /// `yyyy-mm`, `yyyy` or nil; `sex`: nil when not shown). Stops counting at `cap`. Used to test every view.
    public static func candidates(masked: String, birth: String?, male: Bool?, cap: Int = 100_000) -> Int {
        let chars = Array(masked.uppercased())
        guard chars.count == 18 else { return 0 }
        let known: (Int) -> Character? = { chars[$0] == "*" ? nil : chars[$0] }
        // Birth days to try: those the masked digits and the shown birth text allow.
        var days: [CalendarDate] = []
        let text = birth.map { $0.replacingOccurrences(of: "-", with: "") } ?? ""
        var day = CalendarDate(year: 1900, month: 1, day: 1)!
        let end = CalendarDate(year: 2030, month: 12, day: 31)!
        while day <= end {
            let digits = Array(String(format: "%04d%02d%02d", day.year, day.month, day.day))
            if text.isEmpty || digits.starts(with: Array(text)),
                (0..<8).allSatisfy({ known(6 + $0) == nil || known(6 + $0) == digits[$0] })
            {
                days.append(day)
            }
            day = day.adding(days: 1)
        }
        var count = 0
        for d in days {
            let head = String(masked.prefix(6)) + String(format: "%04d%02d%02d", d.year, d.month, d.day)
            for seq in 0..<1000 {
                let s = String(format: "%03d", seq)
                if let m = male, (seq % 2 == 1) != m { continue }
                let body = head + s
                let sevenTeen = Array(body)
                guard (14..<17).allSatisfy({ known($0) == nil || known($0) == sevenTeen[$0] }) else { continue }
                guard let check = IDNumber.checkCharacter(for: body), known(17) == nil || known(17) == check else {
                    continue
                }
                count += 1
                if count >= cap { return count }
            }
        }
        return count
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
            if u.value == 0x3000 {
                out.append(" ")
            } else if (0xFF01...0xFF5E).contains(u.value), let h = Unicode.Scalar(u.value - 0xFEE0) {
                out.append(h)
            } else {
                out.append(u)
            }
        }
        return String(out)
    }

    /// Half-width, trimmed, inner runs of white space removed — for comparing names.
    public static func key(_ s: String) -> String {
        var plain = true
        for b in s.utf8 where b <= 0x20 || b == 0xE3 || b == 0xEF || b == 0xC2 {
            plain = false
            break
        }
        if plain { return s }  // no space of any kind, no full-width form
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
                if b < 0x20 || (prev1 == 0xEF && (b == 0xBC || b == 0xBD) && prev2 != 0xEF)
                    || (prev2 == 0xE3 && prev1 == 0x80 && b == 0x80)
                    || (prev1 == 0xC2 && b == 0xA0)
                {
                    clean = false
                    break
                }
                prev2 = prev1
                prev1 = b
            }
            // A trailing multi-byte space (U+3000) also needs trimming.
            if clean && !(u.count >= 3 && last == 0x80 && prev1 == 0x80 && prev2 == 0xE3) { return s }
        }
        var out = String.UnicodeScalarView()
        for u in s.unicodeScalars {
            if u.value == 0x3000 || u.value == 0x00A0 {
                out.append(" ")
            } else if (0xFF01...0xFF5E).contains(u.value), let h = Unicode.Scalar(u.value - 0xFEE0) {
                out.append(h)
            } else {
                out.append(u)
            }
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
