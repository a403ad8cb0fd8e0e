import Fluent
import LiudongCore
import Vapor

/// `/api/v1/points` and `/api/v1/my/points`: a member's ledger (members their own, staff their scope).
struct PointLedgerAPI {
    func boot(_ r: FeatureRoutes) throws {
        // Served to staff and members alike: the handler decides whose ledger each may read.
        r.public.get("api", "v1", "points", use: ledger)
        r.member.get("api", "v1", "my", "points", use: mine)
    }

    struct Source: Content {
        var kind: String
        var id: String
    }

    struct Entry: Content {
        var id: String
        var on: String
        var item: String
        var itemCode: String
        var points: Int
        var capped: Bool
        var source: Source
        var status: String
        var ruleVersion: Int
        var reason: String
    }

    struct Ledger: Content {
        var member: String
        var year: Int
        var total: Int
        var band: String?
        var entries: [Entry]
    }

    static func ledger(_ m: Member, year: Int, on db: Database) async throws -> Ledger {
        let p = try await MemberPoints.load(member: m, year: year, today: AppClock.today, on: db)
        return Ledger(
            member: m.id!.uuidString, year: year, total: p.total, band: p.band,
            entries: p.entries.map {
                Entry(
                    id: $0.id, on: $0.on, item: $0.item, itemCode: $0.itemCode, points: $0.points, capped: $0.capped,
                    source: Source(kind: $0.sourceKind, id: $0.sourceId), status: $0.status,
                    ruleVersion: $0.ruleVersion, reason: $0.reason)
            })
    }

    /// `GET /api/v1/points?member=ID&year=2026`: staff for a member of their scope; a member for themself only.
    func ledger(req: Request) async throws -> Ledger {
        let year = req.yearParameter()
        let id = (try? req.query.get(String.self, at: "member")).flatMap { UUID(uuidString: $0) }
        if let user = req.auth.get(CurrentUser.self) {
            guard user.can(.reviewPoints) else { throw AppError.forbidden }
            guard let id else { throw AppError.notFound }
            let (m, _) = try await req.pointsMember(id.uuidString)
            return try await Self.ledger(m, year: year, on: req.db)
        }
        if let me = req.auth.get(CurrentMember.self) {
            guard id == nil || id == me.memberID, let m = try await Member.find(me.memberID, on: req.db) else {
                throw AppError.notFound
            }
            return try await Self.ledger(m, year: year, on: req.db)
        }
        throw AppError.unauthorized
    }

    func mine(req: Request) async throws -> Ledger {
        guard let m = try await Member.find(try req.member.memberID, on: req.db) else { throw AppError.notFound }
        return try await Self.ledger(m, year: req.yearParameter(), on: req.db)
    }
}
