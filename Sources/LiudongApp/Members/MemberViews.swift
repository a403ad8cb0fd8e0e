import LiudongCore
import Vapor

/// Plain view models of members; views never touch Fluent models.
struct MemberRow: Content {
    var id: String
    var name: String
    var sex: String
    var ethnicity: String
    /// Year and month only: beside the masked number a full birth date would complete it (README, the masking rule).
    var birthMonth: String
    var idMasked: String
    var phoneMasked: String?
    var category: String
    var education: String
    var orgCode: String
    var orgName: String
    var flowStatus: String?

    init(_ m: Member, org: Organization?, cipher: FieldCipher) {
        id = m.id!.uuidString
        name = m.name
        sex = m.sex.label
        ethnicity = m.ethnicity
        birthMonth = Masking.birthMonth(m.birthDate)
        idMasked = m.idMasked(cipher)
        phoneMasked = m.phoneMasked
        category = m.category.label
        education = m.education.label
        orgCode = org?.code ?? ""
        orgName = org?.shortName ?? ""
        flowStatus = m.flowStatus
    }
}

/// The member in the API's shape (`GET /api/v1/members/{id}`).
struct MemberDetail: Content {
    var id: String
    var name: String
    var sex: String
    var ethnicity: String
    /// Year and month only: beside the masked number a full birth date would complete it (README, the masking rule).
    var birthMonth: String
    var idMasked: String
    var phoneMasked: String?
    var education: String
    var category: String
    var joinedOn: String
    var fullOn: String?
    var orgCode: String
    var orgName: String
    var household: String?
    var residence: String?
    var employer: String?
    var isMigrantWorker: Bool
    var flowStatus: String?
    var createdAt: Date?
    var updatedAt: Date?

    init(_ m: Member, org: Organization?, cipher: FieldCipher) {
        id = m.id!.uuidString
        name = m.name
        sex = m.sex.label
        ethnicity = m.ethnicity
        birthMonth = Masking.birthMonth(m.birthDate)
        idMasked = m.idMasked(cipher)
        phoneMasked = m.phoneMasked
        education = m.education.label
        category = m.category.label
        joinedOn = m.joinedOn
        fullOn = m.fullOn
        orgCode = org?.code ?? ""
        orgName = org?.shortName ?? ""
        household = m.household
        residence = m.residence
        employer = m.employer
        isMigrantWorker = m.isMigrantWorker
        flowStatus = m.flowStatus
        createdAt = m.createdAt
        updatedAt = m.updatedAt
    }
}
