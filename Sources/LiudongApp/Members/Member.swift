import Fluent
import LiudongCore
import Vapor

/// A party member on the roster, with the national system's fields. ID number and phone are encrypted.
final class Member: Model, @unchecked Sendable {
    static let schema = "members"

    @ID(key: .id) var id: UUID?
    @Field(key: "name") var name: String
    @Enum(key: "sex") var sex: Sex
    @Field(key: "ethnicity") var ethnicity: String
    /// `YYYY-MM-DD`.
    @Field(key: "birth_date") var birthDate: String
    @Field(key: "id_number_enc") var idNumberEnc: String
    /// Keyed hash of the normalized ID number: one member per ID number.
    @Field(key: "id_number_hash") var idNumberHash: String
    /// Emptied by `ProtectIDTails`: the tail beside the prefix and birth date rebuilt the number. Kept as a column
    /// because landed migrations are never edited; written as "".
    @Field(key: "id_tail") var idTail: String
    /// Keyed hash of the last four characters (`FieldCipher.tailHash`), for search by them.
    @OptionalField(key: "id_tail_hash") var idTailHash: String?
    @Field(key: "id_prefix") var idPrefix: String
    @OptionalField(key: "phone_enc") var phoneEnc: String?
    @OptionalField(key: "phone_hash") var phoneHash: String?
    @OptionalField(key: "phone_tail") var phoneTail: String?
    @OptionalField(key: "phone_prefix") var phonePrefix: String?
    @Enum(key: "education") var education: Education
    @Enum(key: "category") var category: MemberCategory
    @Field(key: "joined_on") var joinedOn: String
    @OptionalField(key: "full_on") var fullOn: String?
    @Field(key: "organization_id") var organizationID: Int
    @OptionalField(key: "household") var household: String?
    @OptionalField(key: "residence") var residence: String?
    @OptionalField(key: "employer") var employer: String?
    @Field(key: "is_migrant_worker") var isMigrantWorker: Bool
    /// The member's flow state when mobile (filled by the self-report feature); nil when not flowing.
    @OptionalField(key: "flow_status") var flowStatus: String?
    /// Empty while on the roster; `exited` once reduced (党员减少), `transferringIn` until a transfer into our tree is
    /// reported (`RosterState`).
    @OptionalField(key: "roster_state") var rosterState: String?
    @OptionalField(key: "exited_on") var exitedOn: String?
    @Timestamp(key: "created_at", on: .create, format: .clock) var createdAt: Date?
    @Timestamp(key: "updated_at", on: .update, format: .clock) var updatedAt: Date?

    init() {}

    /// `150422***********X` (decrypted for the check digit; the division alone if the key cannot open it).
    func idMasked(_ cipher: FieldCipher) -> String {
        (try? cipher.open(idNumberEnc)).map(Masking.idNumber) ?? Masking.idStored(idPrefix)
    }
    var phoneMasked: String? { phonePrefix.flatMap { p in phoneTail.map { p + "****" + $0 } } }
}

/// One entry of a member's timeline (一人一档): created, edited, reported, reconciled…
final class MemberEvent: Model, @unchecked Sendable {
    static let schema = "member_events"

    @ID(custom: "id", generatedBy: .database) var id: Int?
    @Field(key: "member_id") var memberID: UUID
    @Field(key: "at") var at: Date
    @Field(key: "kind") var kind: String
    @Field(key: "summary") var summary: String
    @OptionalField(key: "account_username") var accountUsername: String?

    init() {}

    init(memberID: UUID, kind: MemberEventKind, summary: String, by username: String?, at: Date = AppClock.now) {
        self.memberID = memberID
        self.kind = kind.rawValue
        self.summary = summary
        self.accountUsername = username
        self.at = at
    }
}

extension MemberEvent {
    /// Adds a line to the member's timeline (their archive).
    static func record(_ memberID: UUID, kind: MemberEventKind, summary: String, by username: String?, on db: Database)
        async throws
    {
        try await MemberEvent(memberID: memberID, kind: kind, summary: summary, by: username).create(on: db)
    }
}
