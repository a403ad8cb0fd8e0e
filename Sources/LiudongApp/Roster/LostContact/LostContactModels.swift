import Fluent
import Foundation
import LiudongCore

/// One try at finding a lost member (the flow's search log).
final class LostSearch: Model, @unchecked Sendable {
    static let schema = "lost_searches"

    @ID(key: .id) var id: UUID?
    @Field(key: "member_id") var memberID: UUID
    @Field(key: "flow_id") var flowID: UUID
    @Enum(key: "method") var method: SearchMethod
    @Field(key: "on_day") var onDay: String
    @Field(key: "result") var result: String
    @Field(key: "found") var found: Bool
    @Field(key: "by_name") var byName: String
    @Timestamp(key: "created_at", on: .create, format: .clock) var createdAt: Date?

    init() {}
}
