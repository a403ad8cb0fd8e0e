import Fluent
import Foundation
import LiudongCore
import SQLKit
import Vapor

/// Every query of talent return: the register under an organization, opportunities (in scope, or open to a member),
/// returning-entrepreneur projects of counties.
enum TalentStore {
    /// The register under `path` (only those willing to return or invest when `onlyReturn`), by branch then name.
    static func register(under path: String, onlyReturn: Bool, on db: Database) async throws -> [TalentRow] {
        let filter: SQLQueryString =
            onlyReturn ? " AND (t.willing_return = \(bind: true) OR t.willing_invest = \(bind: true))" : ""
        return try await db.sql().raw(
            """
            SELECT t.member_id, m.name, o.short_name AS branch, t.industry, t.skills, t.title, t.business, t.willing_return,
                   t.willing_invest
            FROM talent_profiles t JOIN members m ON m.id = t.member_id JOIN organizations o ON o.id = m.organization_id
            WHERE \(PathPrefix("o.path", path))\(filter) ORDER BY o.code, m.name LIMIT 500
            """
        ).all(decoding: TalentRow.self)
    }

    /// Opportunities still valid on `today`, published by one of `orgs`, soonest to expire first (at most `limit`).
    static func opportunities(by orgs: [Int], validOn today: CalendarDate, limit: Int? = nil, on db: Database)
        async throws -> [Opportunity]
    {
        var q = Opportunity.query(on: db).filter(\.$orgID ~~ orgs).filter(\.$validUntil >= today.description)
        if let limit { q = q.sort(\.$validUntil).limit(limit) }
        return try await q.all()
    }

    /// The latest projects of counties (at most 200) with each one's member.
    static func projects(of counties: [Int], on db: Database) async throws -> [(ReturnProject, Member?)] {
        var out: [(ReturnProject, Member?)] = []
        for p in try await ReturnProject.query(on: db).filter(\.$countyID ~~ counties).sort(\.$startedOn, .descending)
            .limit(200).all()
        {
            out.append((p, try await p.memberID.asyncMap { try await Member.find($0, on: db) } ?? nil))
        }
        return out
    }

    /// Organizations by id.
    static func organizations(_ ids: [Int], on db: Database) async throws -> [Organization] {
        try await Organization.query(on: db).filter(\.$id ~~ ids).all()
    }
}

/// One line of the talent register as the store reads it.
struct TalentRow: Decodable {
    var memberID: UUID
    var name: String
    var branch: String
    var industry: String?
    var skills: String
    var title: String?
    var business: String?
    var willingReturn: Bool
    var willingInvest: Bool

    enum CodingKeys: String, CodingKey {
        case name, branch, industry, skills, title, business
        case memberID = "member_id"
        case willingReturn = "willing_return"
        case willingInvest = "willing_invest"
    }
}
