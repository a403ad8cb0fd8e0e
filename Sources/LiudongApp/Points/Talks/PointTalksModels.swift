import Fluent
import Foundation
import LiudongCore

/// The branch secretary's talk with a long-term low scorer (约谈提醒), a recorded 谈心谈话.
final class PointTalk: Model, @unchecked Sendable {
    static let schema = "point_talks"

    @ID(key: .id) var id: UUID?
    @Field(key: "member_id") var memberID: UUID
    @Field(key: "talked_on") var talkedOn: String
    @Enum(key: "way") var way: TalkWay
    @Field(key: "summary") var summary: String
    @Field(key: "steps") var steps: String
    /// The two quarters whose low scores led to the talk, e.g. `2026Q2,2026Q3`.
    @Field(key: "quarters") var quarters: String
    @Field(key: "recorded_by") var recordedBy: String
    @Timestamp(key: "created_at", on: .create, format: .clock) var createdAt: Date?

    init() {}
}
