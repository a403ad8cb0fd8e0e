import LiudongCore
import Vapor

/// Periods and codes read from a request, the same way in every feature (issue 26).
extension Request {
    /// `?year=`: a year from 2000 to 2100, else this year (a page for another year is never an error).
    func yearParameter() -> Int {
        let y = (try? query.get(Int.self, at: "year")) ?? AppClock.today.year
        return (2000...2100).contains(y) ? y : AppClock.today.year
    }
}

enum OrgCode {
    /// An organization code from a form, kept to the characters a code has (it goes back into a URL).
    static func clean(_ raw: String?) -> String {
        String((raw ?? "").filter { $0.isASCII && ($0.isLetter || $0.isNumber) }.prefix(32))
    }
}
