import Fluent
import Foundation
import LiudongCore

/// One line of the national system's to-do list: the member, what to enter and since when, until ticked.
final class NationalTodo: Model, @unchecked Sendable {
    static let schema = "national_todos"

    @ID(key: .id) var id: UUID?
    @Field(key: "member_id") var memberID: UUID
    /// The member's branch when the change was made (the list is per branch).
    @Field(key: "branch_id") var branchID: Int
    @Enum(key: "change") var change: NationalChange
    @Field(key: "detail") var detail: String
    @Enum(key: "expect") var expect: NationalExpectation
    @Field(key: "since") var since: String
    @OptionalField(key: "done_on") var doneOn: String?
    /// Who ticked it: a username, or 全国系统导入 when an import showed the change.
    @OptionalField(key: "done_by") var doneBy: String?
    @Timestamp(key: "created_at", on: .create, format: .clock) var createdAt: Date?

    init() {}
}
