import Fluent
import LiudongCore
import SQLKit
import Vapor

/// The demo member: a mobile member of the demo secretary's branch with an outflow-side pairing, activated with the
/// demo password, so a newcomer can sign in to `/my`. The demo's account list prints the ID number to sign in with.
enum MemberPortalDemo {
    private struct Candidate: Decodable {
        var member_id: UUID
    }

    static func activate(_ demo: DemoContext) async throws {
        guard let secretary = try await Account.query(on: demo.db).filter(\.$username == "secretary").first() else {
            return
        }
        let candidate = try await demo.db.sql().raw(
            """
            SELECT m.id AS member_id FROM members m JOIN pairings p ON p.member_id = m.id AND p.side = 'outflow' AND p.ended_on IS NULL
            WHERE m.organization_id = \(bind: secretary.organizationID) ORDER BY m.name, m.id LIMIT 1
            """
        ).first(decoding: Candidate.self)
        guard let memberID = candidate?.member_id else { return }
        let account = MemberAccount()
        account.memberID = memberID
        account.passwordHash = try AuthService.hash(DemoLoader.password, cost: 10)
        account.failedCount = 0
        account.activatedVia = "demo"
        try await account.create(on: demo.db)
        // Something to confirm on the first visit: this quarter's contact, not yet answered.
        if let pairing = try await Pairing.query(on: demo.db).filter(\.$memberID == memberID)
            .filter(\.$side == .outflow).filter(\.$endedOn == nil).first()
        {
            let c = Contact()
            c.memberID = memberID
            c.pairingID = pairing.id!
            c.method = .phone
            c.contactOn = max(Quarter(containing: demo.today).firstDay, demo.today.adding(days: -3)).description
            c.summary = "电话了解近况：工作稳定，按时参加流入地组织生活，家中一切安好。"
            c.enteredBy = "demo"
            try await c.create(on: demo.db)
        }
    }

    /// The line for the demo account list: `member` and the ID number the demo member signs in with.
    static func accountLine(_ app: Application) async throws -> String? {
        guard let account = try await MemberAccount.query(on: app.db).filter(\.$activatedVia == "demo").first(),
            let member = try await Member.find(account.memberID, on: app.db)
        else { return nil }
        let id = try app.cipher.open(member.idNumberEnc)
        return "  member     党员本人    身份证号 \(id)（\(member.name)），在 /my/login 登录"
    }
}
