import Fluent
import LiudongCore
import Vapor

/// A member's ledger: every entry with its reason and source, claims, appeals — for staff (`/points/members/:id`)
/// and for the member (`/my/points`, with the claim and appeal forms).
struct PointLedgerPages {
    func boot(_ r: FeatureRoutes) throws {
        r.signedIn(.reviewPoints).get("points", "members", ":id", use: memberLedger)
        r.member.get("my", "points", use: mine)
    }

    struct StaffView: Encodable {
        var id: String
        var name: String
        var branch: String
        var year: Int
        var ledger: MemberPoints
    }

    func memberLedger(req: Request) async throws -> Response {
        let (m, branch) = try await req.pointsMember(req.parameters.get("id"))
        let year = req.yearParameter()
        let ledger = try await MemberPoints.load(member: m, year: year, today: AppClock.today, on: req.db)
        return try await req.page(
            "points/member", title: "\(m.name)的积分",
            StaffView(id: m.id!.uuidString, name: m.name, branch: branch.shortName, year: year, ledger: ledger))
    }

    struct MyView: Encodable {
        var year: Int
        var ledger: MemberPoints
        var items: [Pair]
        var today: String
        var earliest: String
    }

    func mine(req: Request) async throws -> Response {
        let m = try await req.currentMemberRecord()
        let today = AppClock.today
        let year = req.yearParameter()
        let ledger = try await MemberPoints.load(member: m, year: year, today: today, on: req.db)
        let county = try await PointRulesStore.pilotCounty(of: m, on: req.db)
        let items =
            try await county.asyncMap { try await PointRulesStore.claimItems(county: $0, on: today, db: req.db) }
            ?? []
        return try await req.myPage(
            "my/points", title: "我的积分",
            MyView(
                year: year, ledger: ledger,
                items: items.map { Pair($0.code, "\($0.name)（每次\(PointEngine.signed($0.points))分）") },
                today: today.description,
                earliest: today.adding(days: -PointClaimRules.windowDays).description))
    }
}

extension Request {
    /// A member whose points the staff account may see (its scope, never the inflow side): the member and branch, or
    /// 404.
    func pointsMember(_ id: String?) async throws -> (Member, Organization) {
        let user = try self.user
        guard let id = id.flatMap({ UUID(uuidString: $0) }), let m = try await Member.find(id, on: db),
            let branch = try await Organization.find(m.organizationID, on: db), user.covers(branch),
            !user.isInflowSide
        else { throw AppError.notFound }
        return (m, branch)
    }
}
