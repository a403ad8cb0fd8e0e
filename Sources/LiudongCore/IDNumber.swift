import Foundation

/// A validated 18-character citizen identity number (公民身份号码, GB 11643-1999).
public struct IDNumber: Hashable, Sendable, CustomStringConvertible {
    /// The normalized number: 17 digits and a check character (digit or upper-case X).
    public let value: String
    /// Birth date as written in the number, `YYYY-MM-DD`.
    public let birthDate: CalendarDate
    /// Sex from the sequence code: odd is male.
    public let sex: Sex
    /// The 6-digit administrative division code of first registration.
    public var divisionCode: String { String(value.prefix(6)) }
    public var description: String { Masking.idNumber(value) }

    /// Why a string is not a valid identity number; messages are for users, in Chinese.
    public enum Problem: Error, Equatable, Sendable {
        case empty, wrongLength(Int), badCharacters, badBirthDate, birthDateInFuture, badCheckDigit

        public var message: String {
            switch self {
            case .empty: return "请填写公民身份号码"
            case .wrongLength(let n): return "公民身份号码应为18位，现为\(n)位"
            case .badCharacters: return "公民身份号码前17位应为数字，末位为数字或X"
            case .badBirthDate: return "公民身份号码中的出生日期不是有效日期"
            case .birthDateInFuture: return "公民身份号码中的出生日期晚于今天"
            case .badCheckDigit: return "公民身份号码校验位不正确，请核对"
            }
        }
    }

    static let weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
    static let checkCharacters: [Character] = ["1", "0", "X", "9", "8", "7", "6", "5", "4", "3", "2"]

    /// The MOD 11-2 check character for the first 17 digits.
    public static func checkCharacter(for first17: String) -> Character? {
        guard first17.count == 17 else { return nil }
        var sum = 0
        for (i, ch) in first17.enumerated() {
            guard let d = ch.wholeNumberValue, ch.isASCII else { return nil }
            sum += d * weights[i]
        }
        return checkCharacters[sum % 11]
    }

    /// Normalizes (trims spaces, upper-cases x, folds full-width digits) and validates.
    public static func parse(_ raw: String, today: CalendarDate = AppClock.today) -> Result<IDNumber, Problem> {
        // Fast path: 17 ASCII digits and a digit or X, as nearly every stored or imported number is.
        let bytes = Array(raw.utf8)
        if bytes.count == 18, bytes[0..<17].allSatisfy({ $0 >= 48 && $0 <= 57 }),
            (48...57).contains(bytes[17]) || bytes[17] == 88 || bytes[17] == 120
        {
            let weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
            var sum = 0
            for i in 0..<17 { sum += Int(bytes[i] - 48) * weights[i] }
            let check: UInt8 = Array("10X98765432".utf8)[sum % 11]
            func n(_ a: Int, _ b: Int) -> Int { bytes[a..<b].reduce(0) { $0 * 10 + Int($1 - 48) } }
            guard let birth = CalendarDate(year: n(6, 10), month: n(10, 12), day: n(12, 14)), birth.year >= 1900 else {
                return .failure(.badBirthDate)
            }
            guard birth <= today else { return .failure(.birthDateInFuture) }
            let last = bytes[17] == 120 ? 88 : bytes[17]
            guard check == last else { return .failure(.badCheckDigit) }
            let value = last == bytes[17] ? raw : String(raw.dropLast()) + "X"
            return .success(
                IDNumber(value: value, birthDate: birth, sex: Int(bytes[16] - 48) % 2 == 1 ? .male : .female))
        }
        let s = Normalize.halfWidth(raw).filter { !$0.isWhitespace }.uppercased()
        if s.isEmpty { return .failure(.empty) }
        guard s.count == 18 else { return .failure(.wrongLength(s.count)) }
        let chars = Array(s)
        guard chars[0..<17].allSatisfy({ $0.isASCII && $0.isNumber }),
            chars[17].isASCII, chars[17].isNumber || chars[17] == "X"
        else { return .failure(.badCharacters) }
        guard let birth = CalendarDate(compact: String(chars[6..<14])), birth.year >= 1900 else {
            return .failure(.badBirthDate)
        }
        guard birth <= today else { return .failure(.birthDateInFuture) }
        guard checkCharacter(for: String(chars[0..<17])) == chars[17] else { return .failure(.badCheckDigit) }
        let seq = chars[16].wholeNumberValue ?? 0
        return .success(IDNumber(value: s, birthDate: birth, sex: seq % 2 == 1 ? .male : .female))
    }

    /// Builds a valid number from its parts (used for synthetic data).
    public static func make(division: String, birth: CalendarDate, sequence: Int, sex: Sex) -> String {
        var seq = sequence % 1000
        if (seq % 2 == 1) != (sex == .male) { seq = (seq + 1) % 1000 }
        let body = division + birth.compact + String(format: "%03d", seq)
        return body + String(checkCharacter(for: body)!)
    }
}

/// 性别.
public enum Sex: String, Codable, CaseIterable, Sendable {
    case male, female
    public var label: String { self == .male ? "男" : "女" }
    public init?(label: String) {
        switch label.trimmingCharacters(in: .whitespaces) {
        case "男", "male": self = .male
        case "女", "female": self = .female
        default: return nil
        }
    }
}
