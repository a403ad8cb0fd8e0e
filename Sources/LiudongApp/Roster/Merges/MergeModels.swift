import Fluent
import Foundation
import LiudongCore

/// Two roster entries of one person merged: the kept and the dropped entry, both numbers' keyed hashes, and the rows
/// moved per table (`moved`: JSON `{table: [id]}`), for the undo.
final class MemberMerge: Model, @unchecked Sendable {
    static let schema = "member_merges"

    @ID(key: .id) var id: UUID?
    @Field(key: "kept_id") var keptID: UUID
    @Field(key: "dropped_id") var droppedID: UUID
    @Field(key: "kept_hash") var keptHash: String
    @Field(key: "dropped_hash") var droppedHash: String
    @Field(key: "reason") var reason: String
    @Field(key: "merged_on") var mergedOn: String
    @Field(key: "merged_by") var mergedBy: String
    @Field(key: "moved") var moved: String
    @OptionalField(key: "undone_on") var undoneOn: String?
    @OptionalField(key: "undone_by") var undoneBy: String?
    @Timestamp(key: "created_at", on: .create, format: .clock) var createdAt: Date?

    init() {}

    var movedRows: [String: [String]] {
        (try? JSONDecoder().decode([String: [String]].self, from: Data(moved.utf8))) ?? [:]
    }
}
