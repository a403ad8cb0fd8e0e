import Fluent
import Foundation

/// 返乡预报: a mobile member home for the holidays from … to …, at a place — said by the member or the branch.
final class HomeVisit: Model, @unchecked Sendable {
    static let schema = "home_visits"

    @ID(key: .id) var id: UUID?
    @Field(key: "member_id") var memberID: UUID
    @Field(key: "from_on") var fromOn: String
    @Field(key: "to_on") var toOn: String
    @Field(key: "place") var place: String
    /// `党员本人` or the staff account's username.
    @Field(key: "reported_by") var reportedBy: String
    @Timestamp(key: "created_at", on: .create, format: .clock) var createdAt: Date?

    init() {}
}
