import Fluent
import Foundation
import LiudongCore
import Testing
import VaporTesting

@testable import LiudongApp

/// Flows, activation and pairings set up for the measure 4b tests.
enum Mobile {
    static let memberPassword = "my-phone-pass1"

    /// Opens a flow for a member as a confirmed leaving report would.
    @discardableResult
    static func open(
        _ app: Application, _ member: Member, leftOn: CalendarDate = AppClock.today.adding(days: -200),
        inflow: Organization? = nil
    ) async throws -> Flow {
        let f = Flow()
        f.memberID = member.id!
        f.status = inflow == nil ? .away : .arrived
        f.leftOn = leftOn.description
        f.destinationCode = "110105"
        f.inflowOrgID = inflow?.id
        f.arrivedOn = inflow == nil ? nil : leftOn.adding(days: 5).description
        f.arrivalConfirmed = inflow != nil
        f.lastContactOn = leftOn.description
        try await f.create(on: app.db)
        member.flowStatus = f.status.rawValue
        try await member.update(on: app.db)
        return f
    }

    /// A code issued by `staff` (a token) for the member.
    static func code(_ app: Application, staff: APIClient, member: Member) async throws -> String {
        let res = try await staff.post("/api/v1/members/\(member.id!.uuidString)/activation-code", json: "{}")
        #expect(res.status == .created, "\(res.body.string)")
        struct Issued: Decodable { var code: String }
        return try res.content.decode(Issued.self).code
    }

    static func activate(_ app: Application, idNumber: String, code: String, password: String = memberPassword)
        async throws -> TestingHTTPResponse
    {
        try await APIClient(app: app).post(
            "/api/v1/member-activation",
            json: #"{"idNumber":"\#(idNumber)","code":"\#(code)","password":"\#(password)"}"#)
    }

    static func pairingJSON(
        member: Member, side: String = "outflow", name: String = "刘书记", post: String = "支部书记",
        phone: String = "13800001111", org: String, account: String? = nil
    ) -> String {
        let acc = account.map { #","account":"\#($0)""# } ?? ""
        return #"""
            {"memberId":"\#(member.id!.uuidString)","side":"\#(side)","cadre":{"name":"\#(name)","post":"\#(post)","phone":"\#(phone)","orgCode":"\#(org)"\#(acc)}}
            """#
    }

    struct Created: Decodable { var id: UUID }

    static func pair(_ app: Application, _ client: APIClient, json: String) async throws -> UUID {
        let res = try await client.post("/api/v1/pairings", json: json)
        #expect(res.status == .created, "\(res.body.string)")
        return try res.content.decode(Created.self).id
    }

    static func contactJSON(
        pairing: UUID, method: String = "phone", date: CalendarDate = AppClock.today,
        summary: String = "电话了解近况，工作稳定，生活正常，思想积极。", needs: String? = nil
    ) -> String {
        let n = needs.map { #","needs":"\#($0)""# } ?? ""
        return
            #"{"pairingId":"\#(pairing.uuidString)","method":"\#(method)","date":"\#(date)","summary":"\#(summary)"\#(n)}"#
    }

    static func contact(_ app: Application, _ client: APIClient, json: String) async throws -> UUID {
        let res = try await client.post("/api/v1/contacts", json: json)
        #expect(res.status == .created, "\(res.body.string)")
        return try res.content.decode(Created.self).id
    }

    static func fields(_ res: TestingHTTPResponse) -> [String: String] {
        ((try? res.content.decode(APIErrorBody.self))?.error.fields ?? []).byField
    }
}
