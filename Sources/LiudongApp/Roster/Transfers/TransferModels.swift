import Fluent
import Foundation
import LiudongCore

/// A transfer of a member's organization relationship (组织关系转接): out of our tree, into it, or between two of our
/// branches; the other side by its organization when it is ours, else by name and division.
final class Transfer: Model, @unchecked Sendable {
    static let schema = "transfers"

    @ID(key: .id) var id: UUID?
    @Field(key: "member_id") var memberID: UUID
    @Enum(key: "direction") var direction: TransferDirection
    @Enum(key: "kind") var kind: TransferKind
    @OptionalField(key: "from_org_id") var fromOrgID: Int?
    @Field(key: "from_name") var fromName: String
    @Field(key: "from_division") var fromDivision: String
    @OptionalField(key: "to_org_id") var toOrgID: Int?
    @Field(key: "to_name") var toName: String
    @Field(key: "to_division") var toDivision: String
    @Field(key: "reason") var reason: String
    @Enum(key: "channel") var channel: TransferChannel
    /// The national system's reference (online) or the paper letter's.
    @OptionalField(key: "reference") var reference: String?
    @OptionalField(key: "letter_no") var letterNo: String?
    @OptionalField(key: "issued_on") var issuedOn: String?
    @OptionalField(key: "valid_until") var validUntil: String?
    /// 党费交至: the last month paid, `2026-11`.
    @OptionalField(key: "dues_paid_to") var duesPaidTo: String?
    @Enum(key: "state") var state: TransferState
    @OptionalField(key: "reported_on") var reportedOn: String?
    @OptionalField(key: "receipt_on") var receiptOn: String?
    @OptionalField(key: "archived_on") var archivedOn: String?
    @OptionalField(key: "cancel_reason") var cancelReason: String?
    @Field(key: "created_by") var createdBy: String
    @Timestamp(key: "created_at", on: .create, format: .clock) var createdAt: Date?

    init() {}

    func overdue(today: CalendarDate) -> Bool {
        TransferRules.letterOverdue(state, validUntil: validUntil.flatMap { CalendarDate($0) }, today: today)
    }

    func receiptOverdue(today: CalendarDate) -> Bool {
        TransferRules.receiptOverdue(state, reportedOn: reportedOn.flatMap { CalendarDate($0) }, today: today)
    }
}

/// A member leaving the roster (党员减少): kind, day, the deciding organization and why; undone (a mistake) or, for
/// 停止党籍, restored (恢复党籍) with the history kept.
final class MemberExit: Model, @unchecked Sendable {
    static let schema = "member_exits"

    @ID(key: .id) var id: UUID?
    @Field(key: "member_id") var memberID: UUID
    @Enum(key: "kind") var kind: ExitKind
    @Field(key: "on_day") var onDay: String
    @Field(key: "org_id") var orgID: Int
    @Field(key: "reason") var reason: String
    @OptionalField(key: "transfer_id") var transferID: UUID?
    @Field(key: "recorded_by") var recordedBy: String
    @OptionalField(key: "undone_on") var undoneOn: String?
    @OptionalField(key: "undo_reason") var undoReason: String?
    @OptionalField(key: "restored_on") var restoredOn: String?
    @OptionalField(key: "restore_note") var restoreNote: String?
    @OptionalField(key: "closed_by") var closedBy: String?
    @Timestamp(key: "created_at", on: .create, format: .clock) var createdAt: Date?

    init() {}

    /// Still in force (neither undone nor restored).
    var inForce: Bool { undoneOn == nil && restoredOn == nil }
}

/// 保留在原籍: the branch keeps the member's relationship at home for now, with the reason (rechecked after a year).
final class TransferHold: Model, @unchecked Sendable {
    static let schema = "transfer_holds"

    @ID(key: .id) var id: UUID?
    @Field(key: "member_id") var memberID: UUID
    @Field(key: "reason") var reason: String
    @Field(key: "decided_on") var decidedOn: String
    @Field(key: "decided_by") var decidedBy: String
    @Timestamp(key: "created_at", on: .create, format: .clock) var createdAt: Date?

    init() {}
}
