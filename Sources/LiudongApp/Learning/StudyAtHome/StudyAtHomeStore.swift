import Fluent
import Foundation
import LiudongCore
import SQLKit
import Vapor

/// Every query of study at home and away: diary entries, return seasons and their sessions with the members
/// reached; the archive's lines and the worklist's counts.
enum StudyAtHomeStore {
    // MARK: Diary

    /// The member's latest entries, newest first.
    static func latest(member: UUID, limit: Int = 50, on db: Database) async throws -> [DiaryEntry] {
        try await DiaryEntry.query(on: db).filter(\.$memberID == member)
            .sort(\.$onDay, .descending).sort(\.$createdAt, .descending).range(0..<limit).all()
    }

    /// How many entries the member wrote for `day` (ISO date).
    static func count(member: UUID, day: String, on db: Database) async throws -> Int {
        try await DiaryEntry.query(on: db).filter(\.$memberID == member).filter(\.$onDay == day).count()
    }

    /// Entries of members under `path`, those not yet commented first (at most 100).
    static func diaries(under path: String, on db: Database) async throws -> [DiaryRow] {
        try await db.sql().raw(
            """
            SELECT d.id, m.name, o.short_name AS branch, d.on_day, d.text, d.photo_sha256, d.comment, d.excellent
            FROM organizations o JOIN members m ON m.organization_id = o.id JOIN diary_entries d ON d.member_id = m.id
            WHERE \(PathPrefix("o.path", path))
            ORDER BY d.comment IS NOT NULL, d.on_day DESC LIMIT 100
            """
        ).all(decoding: DiaryRow.self)
    }

    /// An entry with its member's branch.
    static func entry(_ id: UUID, on db: Database) async throws -> (DiaryEntry, Organization)? {
        guard let e = try await DiaryEntry.find(id, on: db), let m = try await Member.find(e.memberID, on: db),
            let branch = try await Organization.find(m.organizationID, on: db)
        else { return nil }
        return (e, branch)
    }

    // MARK: Study delivered home

    /// Seasons set by an organization on the path of `org` (its own and those above it), latest first.
    static func seasons(for org: Organization, on db: Database) async throws -> [ReturnSeason] {
        try await ReturnSeason.query(on: db).filter(\.$orgID ~~ org.pathIDs).sort(\.$startsOn, .descending).all()
    }

    /// Members of a branch expected home in a season or back in it, by name (a member may have several flows).
    static func expected(branch: Int, season s: ReturnSeason, on db: Database) async throws -> [ExpectedRow] {
        try await db.sql().raw(
            """
            SELECT m.id, m.name, f.expected_return_on, f.returned_on FROM members m JOIN flows f ON f.member_id = m.id
            WHERE m.organization_id = \(bind: branch)
              AND ((f.expected_return_on >= \(bind: s.startsOn) AND f.expected_return_on <= \(bind: s.endsOn))
                OR (f.returned_on >= \(bind: s.startsOn) AND f.returned_on <= \(bind: s.endsOn)))
            ORDER BY m.name
            """
        ).all(decoding: ExpectedRow.self)
    }

    /// A branch's sessions in a season, by day, with the members each reached.
    static func sessions(branch: Int, season: UUID, on db: Database) async throws -> [(HomeStudySession, [UUID])] {
        let mine = try await HomeStudySession.query(on: db).filter(\.$seasonID == season).filter(\.$branchID == branch)
            .sort(\.$onDay).all()
        guard !mine.isEmpty else { return [] }
        var reachedBy: [UUID: [UUID]] = [:]
        for row in try await db.sql().raw(
            "SELECT session_id, member_id FROM home_study_reached WHERE session_id IN \(SQLBind.group(mine.map { $0.id! }))"
        ).all(decoding: ReachedRow.self) {
            reachedBy[row.sessionID, default: []].append(row.memberID)
        }
        return mine.map { ($0, reachedBy[$0.id!] ?? []) }
    }

    /// Courses published above or within the branch and available now, to link to a session (latest 60).
    static func courses(for org: Organization, on db: Database) async throws -> [Pair] {
        let today = AppClock.today.description
        return try await Course.query(on: db).filter(\.$publisherOrgID ~~ org.pathIDs)
            .filter(\.$availableFrom <= today).filter(\.$availableTo >= today).sort(\.$availableFrom, .descending)
            .range(0..<60).all().map { Pair($0.id!.uuidString, $0.title) }
    }

    /// Which of `members` are on the branch's roster.
    static func onRoster(_ members: [UUID], branch: Int, on db: Database) async throws -> [UUID] {
        try await Member.query(on: db).filter(\.$id ~~ members).filter(\.$organizationID == branch).all(\.$id)
    }

    /// A session with the members it reached, in one transaction.
    static func create(_ s: HomeStudySession, reached: Set<UUID>, on db: Database) async throws {
        try await db.transaction { tx in
            try await s.create(on: tx)
            for m in reached {
                try await tx.sql().insert(into: "home_study_reached").columns("session_id", "member_id")
                    .values(SQLBind(s.id!), SQLBind(m)).run()
            }
        }
    }

    // MARK: Archive and worklist

    /// A member's diary entries (latest 100) and the sessions that reached them.
    static func history(of member: UUID, on db: Database) async throws -> (
        diaries: [DiaryEntry], reached: [ReachedSessionRow]
    ) {
        let diaries = try await DiaryEntry.query(on: db).filter(\.$memberID == member).sort(\.$onDay, .descending)
            .range(0..<100).all()
        let reached = try await db.sql().raw(
            """
            SELECT s.on_day, s.topic FROM home_study_reached r JOIN home_study_sessions s ON s.id = r.session_id
            WHERE r.member_id = \(bind: member)
            """
        ).all(decoding: ReachedSessionRow.self)
        return (diaries, reached)
    }

    /// Entries not yet commented, per branch under `path`.
    static func diariesToRead(under path: String, on sql: SQLDatabase) async throws -> [Int: Int] {
        let rows = try await sql.raw(
            """
            SELECT m.organization_id AS org_id, COUNT(*) AS n FROM organizations o JOIN members m ON m.organization_id = o.id
            JOIN diary_entries d ON d.member_id = m.id
            WHERE \(PathPrefix("o.path", path)) AND d.comment IS NULL GROUP BY m.organization_id
            """
        ).all(decoding: OrgCount.self)
        return rows.counts
    }
}

/// A diary entry as the branch's list reads it.
struct DiaryRow: Codable {
    var id: UUID
    var name: String
    var branch: String
    var onDay: String
    var text: String
    var photoSHA256: String?
    var comment: String?
    var excellent: Bool

    enum CodingKeys: String, CodingKey {
        case id, name, branch, text, comment, excellent
        case onDay = "on_day"
        case photoSHA256 = "photo_sha256"
    }
}

/// A member expected home in a season as the store reads it.
struct ExpectedRow: Decodable {
    var id: UUID
    var name: String
    var expectedReturnOn: String?
    var returnedOn: String?

    enum CodingKeys: String, CodingKey {
        case id, name
        case expectedReturnOn = "expected_return_on"
        case returnedOn = "returned_on"
    }
}

struct ReachedRow: Decodable {
    var sessionID: UUID
    var memberID: UUID

    enum CodingKeys: String, CodingKey {
        case sessionID = "session_id"
        case memberID = "member_id"
    }
}

/// A session that reached a member, for the archive.
struct ReachedSessionRow: Decodable {
    var onDay: String
    var topic: String

    enum CodingKeys: String, CodingKey {
        case topic
        case onDay = "on_day"
    }
}
