/// What registering a number already on the roster answers (issue 25 item 19). The roster spans the city, but an
/// account below the county must not learn that a number is registered somewhere it cannot see: for it the attempt
/// goes to the organization department to settle, and the answer says only that.
public enum RosterDuplicateAnswer: Equatable, Sendable {
    /// "This number is on the roster": for a county or city account, or when the member is in the account's own scope
    /// (it sees them anyway).
    case taken
    /// "Submitted to the organization department": a number registered outside the scope of an account below the
    /// county. The county's worklist gets the duplicate to settle.
    case submittedForCheck

    public static func answer(accountLevel: OrgLevel?, existingInScope: Bool) -> RosterDuplicateAnswer {
        if existingInScope { return .taken }
        switch accountLevel {
        case .city?, .county?: return .taken
        default: return .submittedForCheck
        }
    }

    public static let submittedMessage = "已提交组织部门核对：该公民身份号码须由旗县区委组织部核对后办理，核对结果将通知本支部"
}
