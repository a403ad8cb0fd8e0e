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

    /// The regular branches (党支部) in an organization's subtree, by code (at most `limit`).
    static func branches(under org: Organization, limit: Int = 500, on db: Database) async throws -> [Organization] {
        try await Organization.query(on: db).under(path: org.path).filter(\.$level == .branch)
            .filter(\.$kind == .regular).sort(\.$code).limit(limit).all()
    }

    /// The counties (旗县区) in an organization's subtree (itself when it is one), by code.
    static func counties(under org: Organization, on db: Database) async throws -> [Organization] {
        try await Organization.query(on: db).under(path: org.path).filter(\.$level == .county).sort(\.$code)
            .all()
    }

    /// An organization's open regular children (its branches or committees, not inflow or mobile organizations), in
    /// display order.
    static func openChildren(of org: Organization, on db: Database) async throws -> [Organization] {
        try await Organization.query(on: db).filter(\.$parentID == org.requireID()).filter(\.$closedAt == nil)
            .filter(\.$kind == .regular).sort(\.$sortOrder).sort(\.$code).all()
    }

    /// An organization by its code.
    static func organization(code: String, on db: Database) async throws -> Organization? {
        try await Organization.query(on: db).filter(\.$code == code).first()
    }

    /// Organizations' paths by id (each asked once, 500 at a time).
    static func paths(of ids: [Int], on db: Database) async throws -> [Int: String] {
        var paths: [Int: String] = [:]
        for chunk in Array(Set(ids)).chunked(500) {
            for o in try await Organization.query(on: db).filter(\.$id ~~ Array(chunk)).all() { paths[o.id!] = o.path }
        }
        return paths
    }

    /// Organizations by id (those that exist).
    static func byID(_ ids: some Collection<Int>, on db: Database) async throws -> [Int: Organization] {
        var out: [Int: Organization] = [:]
        for chunk in Array(Set(ids)).chunked(500) {
            for o in try await Organization.query(on: db).filter(\.$id ~~ Array(chunk)).all() { out[o.id!] = o }
        }
        return out
    }

    /// Open branches under an organization (the whole subtree), in the tree's order.
    static func openBranches(under org: Organization, on db: Database) async throws -> [Organization] {
        try await Organization.query(on: db).under(path: org.path).filter(\.$closedAt == nil)
            .filter(\.$level == .branch).sort(\.$sortOrder).sort(\.$code).all()
    }
}
