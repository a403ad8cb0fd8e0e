import Fluent
import LiudongCore

/// Questions about the organization tree that several features ask (issue 26).
enum OrgTree {
    /// The county (旗县区) an organization belongs to, itself when it is one; nil above or outside the counties.
    static func county(of org: Organization, on db: Database) async throws -> Organization? {
        if org.level == .county { return org }
        return try await Organization.query(on: db).filter(\.$id ~~ org.pathIDs).filter(\.$level == .county).first()
    }

    /// The county an organization belongs to, or the city for one hung directly under it, or itself.
    static func countyOrCity(of org: Organization, on db: Database) async throws -> Organization {
        if let found = try await county(of: org, on: db) { return found }
        if org.level == .city { return org }
        return try await Organization.query(on: db).filter(\.$id ~~ org.pathIDs).filter(\.$level == .city).first()
            ?? org
    }

    /// An organization's children in the tree's display order (sort order, then code).
    static func children(of org: Organization, on db: Database) async throws -> [Organization] {
        try await Organization.query(on: db).filter(\.$parentID == org.requireID()).sort(\.$sortOrder).sort(\.$code)
            .all()
    }
}
