import Fluent
import Foundation
import LiudongCore

/// A deed the member describes to earn a claim item's points (积分申报).
final class PointClaim: Model, @unchecked Sendable {
    static let schema = "point_claims"

    @ID(key: .id) var id: UUID?
    @Field(key: "member_id") var memberID: UUID
    @Field(key: "item_code") var itemCode: String
    @Field(key: "on_day") var onDay: String
    @Field(key: "description") var description: String
    /// The description folded (spaces and punctuation removed, lower case) and hashed: the same deed twice is refused.
    @Field(key: "text_key") var textKey: String
    @OptionalField(key: "photo_sha256") var photoSHA256: String?
    @OptionalField(key: "photo_type") var photoType: String?
    @Enum(key: "status") var status: ClaimStatus
    @OptionalField(key: "decision_reason") var decisionReason: String?
    @OptionalField(key: "decided_by") var decidedBy: String?
    @OptionalField(key: "decided_at") var decidedAt: Date?
    @Timestamp(key: "created_at", on: .create, format: .clock) var createdAt: Date?

    init() {}
}

/// A member's appeal against one ledger entry (积分申诉).
final class PointAppeal: Model, @unchecked Sendable {
    static let schema = "point_appeals"

    @ID(key: .id) var id: UUID?
    @Field(key: "entry_id") var entryID: UUID
    @Field(key: "member_id") var memberID: UUID
    @Field(key: "reason") var reason: String
    @Enum(key: "status") var status: AppealStatus
    @OptionalField(key: "outcome") var outcome: String?
    @OptionalField(key: "decided_by") var decidedBy: String?
    @OptionalField(key: "decided_at") var decidedAt: Date?
    @Timestamp(key: "created_at", on: .create, format: .clock) var createdAt: Date?

    init() {}
}
