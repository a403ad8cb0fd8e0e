import Fluent
import Foundation
import LiudongCore

/// One contact with a paired member (联络): who, how, when, what was said, what the member needs.
final class Contact: Model, @unchecked Sendable {
    static let schema = "contacts"

    @ID(key: .id) var id: UUID?
    @Field(key: "member_id") var memberID: UUID
    @Field(key: "pairing_id") var pairingID: UUID
    @Enum(key: "method") var method: ContactMethod
    @Field(key: "contact_on") var contactOn: String
    @Field(key: "summary") var summary: String
    @OptionalField(key: "needs") var needs: String?
    @OptionalField(key: "next_on") var nextOn: String?
    @Field(key: "entered_by") var enteredBy: String
    @OptionalEnum(key: "answer") var answer: ContactAnswer?
    @OptionalField(key: "answer_note") var answerNote: String?
    @OptionalField(key: "answered_at") var answeredAt: Date?
    @Timestamp(key: "created_at", on: .create, format: .clock) var createdAt: Date?

    init() {}
}

/// A committee's hearing of the half-year contact report (每半年听取一次联络情况汇报).
final class ContactHearing: Model, @unchecked Sendable {
    static let schema = "contact_hearings"

    @ID(key: .id) var id: UUID?
    @Field(key: "org_id") var orgID: Int
    @Field(key: "half") var half: String
    @Field(key: "held_on") var heldOn: String
    @Field(key: "chair") var chair: String
    @Field(key: "attendees") var attendees: String
    @Field(key: "conclusions") var conclusions: String
    @OptionalField(key: "follow_up") var followUp: String?
    @Field(key: "recorded_by") var recordedBy: String
    @Timestamp(key: "created_at", on: .create, format: .clock) var createdAt: Date?

    init() {}
}
