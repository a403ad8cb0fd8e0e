import Fluent
import Foundation

/// A corrective item (整改事项) of a 组织生活会.
final class Rectification: Model, @unchecked Sendable {
    static let schema = "org_life_rectifications"

    @ID(key: .id) var id: UUID?
    @Field(key: "event_id") var eventID: UUID
    @Field(key: "org_id") var orgID: Int
    @Field(key: "what") var what: String
    @Field(key: "who") var who: String
    @Field(key: "due_on") var dueOn: String
    @OptionalField(key: "done_on") var doneOn: String?
    @OptionalField(key: "done_note") var doneNote: String?
    @Field(key: "created_by") var createdBy: String
    @Timestamp(key: "created_at", on: .create, format: .clock) var createdAt: Date?

    init() {}
}
