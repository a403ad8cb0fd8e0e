/// Why a rule said no: fields to correct (each with its Chinese message, shown beside the field or in the flash) or a
/// state that does not allow the action now. Rules in the core return it; the application turns it into its HTTP
/// answer (422 or 409) in one place.
public enum RuleError: Error, Equatable, Sendable {
    case invalid([RuleProblem])
    case conflict(String)

    /// One bad field.
    public static func field(_ field: String, _ message: String) -> RuleError {
        .invalid([RuleProblem(field, message)])
    }

    /// The bad fields (none for a conflict).
    public var problems: [RuleProblem] {
        if case .invalid(let p) = self { return p }
        return []
    }
}

/// A bad field with its Chinese message.
public struct RuleProblem: Equatable, Sendable {
    public var field: String
    public var message: String

    public init(_ field: String, _ message: String) {
        self.field = field
        self.message = message
    }
}

extension Result where Failure == RuleError {
    /// The conflict or problems, when the rule said no (for tests and for pages that show them without throwing).
    public var error: RuleError? {
        if case .failure(let e) = self { return e }
        return nil
    }
}
