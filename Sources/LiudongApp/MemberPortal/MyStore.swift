import Fluent
import LiudongCore
import SQLKit
import Vapor

/// What the member's own page and `GET /api/v1/my` show: read for the signed-in member only.
enum MyStore {
    struct Home: Sendable {
        var member: Member
        var branch: Organization?
        var flow: FlowRow?
        var contacts: [PairContact]
        var reports: [ReportHistoryRow]
        var events: [MemberEvent]
    }

    struct FlowRow: Decodable, Sendable {
        var status: String
        var left_on: String
        var destination_code: String?
        var address: String?
        var employer: String?
        var inflow: String?
        var arrived_on: String?
        var arrival_confirmed: Bool
    }

    /// A pair contact as the member sees it: the whole phone, to call.
    struct PairContact: Content, Sendable {
        var name: String
        var post: String
        var phone: String
        var side: String
    }

    static func home(_ m: CurrentMember, cipher: FieldCipher, on db: Database) async throws -> Home {
        guard let member = try await Member.find(m.memberID, on: db) else { throw AppError.notFound }
        let sql = try db.sql()
        let open = FlowState.allCases.filter(\.isOpen).map { SQLBind($0.rawValue) as any SQLExpression }
        let flow = try await sql.raw(
            """
            SELECT f.status, f.left_on, f.destination_code, f.address, f.employer, i.short_name AS inflow, f.arrived_on,
                   f.arrival_confirmed
            FROM flows f LEFT JOIN organizations i ON i.id = f.inflow_org_id
            WHERE f.member_id = \(bind: m.memberID) AND f.status IN \(SQLGroupExpression(open))
            ORDER BY f.left_on DESC LIMIT 1
            """
        ).first(decoding: FlowRow.self)
        let contacts = try await PairingStore.active(of: m.memberID, on: db).map {
            PairContact(
                name: $0.cadreName, post: $0.cadrePost, phone: (try? cipher.open($0.cadrePhoneEnc)) ?? "",
                side: $0.side.rawValue)
        }
        let events = try await MemberEvent.query(on: db).filter(\.$memberID == m.memberID).sort(\.$at, .descending)
            .limit(50).all()
        return Home(
            member: member, branch: try await Organization.find(member.organizationID, on: db), flow: flow,
            contacts: contacts, reports: try await SelfReportStore.reports(of: m.memberID, on: sql), events: events)
    }
}

/// `GET /api/v1/my`.
struct MyResponse: Content {
    struct Branch: Content {
        var code: String
        var name: String
        var secretaryPhone: String
    }
    struct FlowInfo: Content {
        var status: String
        var destination: String
        var inflowOrg: String?
        var since: String
    }
    var name: String
    var idMasked: String
    var branch: Branch
    var flow: FlowInfo?
    var contacts: [MyStore.PairContact]

    init(_ home: MyStore.Home, cipher: FieldCipher) {
        name = home.member.name
        idMasked = home.member.idMasked(cipher)
        branch = Branch(
            code: home.branch?.code ?? "", name: home.branch?.name ?? "", secretaryPhone: home.branch?.phone ?? "")
        flow = home.flow.map {
            FlowInfo(
                status: $0.status, destination: $0.destination_code.map { Divisions.shared.fullName($0) } ?? "",
                inflowOrg: $0.inflow, since: $0.left_on)
        }
        contacts = home.contacts
    }
}
