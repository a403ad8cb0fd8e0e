import Fluent
import Foundation
import LiudongCore
import SQLKit

/// The queries of 两地教育培训 for an inflow organization: the courses it published with how many of its members
/// learnt each, and the vanguard-post diaries of the members reporting to it now (written since they left home).
enum TwoPlacesStore {
    /// The inflow organizations a member reports to now (an open flow).
    static func inflowOrganizations(of member: UUID, on db: Database) async throws -> [Int] {
        try await FlowStore.open(of: member, on: db).compactMap(\.inflowOrgID)
    }

    /// Courses the organization published, latest first, with completions by anyone (the audience is its members).
    static func courses(publishedBy org: Int, on db: Database) async throws -> [TwoPlacesCourseRow] {
        try await db.sql().raw(
            """
            SELECT c.title, c.kind, c.minutes, c.available_from, c.available_to,
              (SELECT COUNT(*) FROM course_completions cc WHERE cc.course_id = c.id AND cc.completed_on IS NOT NULL) AS done
            FROM courses c WHERE c.publisher_org_id = \(bind: org) ORDER BY c.available_from DESC, c.title LIMIT 60
            """
        ).all(decoding: TwoPlacesCourseRow.self)
    }

    /// Members reporting to the organization now (an open flow to it).
    static func reportingMembers(to org: Int, on db: Database) async throws -> Int {
        try await Flow.query(on: db).filter(\.$inflowOrgID == org).filter(
            \.$status ~~ FlowState.allCases.filter(\.isOpen)
        )
        .count()
    }

    /// Diary entries of members reporting to the organization now, written on or after the day they left, latest
    /// first (at most 200).
    static func diaries(reportingTo org: Int, on db: Database) async throws -> [TwoPlacesDiaryRow] {
        let open = SQLBind.group(LedgerService.openStates)
        return try await db.sql().raw(
            """
            SELECT d.id, m.name, b.short_name AS branch, d.on_day, d.text, d.photo_sha256, d.comment, d.excellent
            FROM flows f JOIN members m ON m.id = f.member_id JOIN organizations b ON b.id = m.organization_id
            JOIN diary_entries d ON d.member_id = m.id
            WHERE f.inflow_org_id = \(bind: org) AND f.status IN \(open) AND d.on_day >= f.left_on
            ORDER BY d.on_day DESC, d.id LIMIT 200
            """
        ).all(decoding: TwoPlacesDiaryRow.self)
    }

    /// Whether the entry is one the organization may read (by the rule of `diaries`).
    static func readable(_ entry: DiaryEntry, by org: Int, on db: Database) async throws -> Bool {
        try await Flow.query(on: db).filter(\.$memberID == entry.memberID).filter(\.$inflowOrgID == org)
            .filter(\.$status ~~ FlowState.allCases.filter(\.isOpen)).filter(\.$leftOn <= entry.onDay).count() > 0
    }
}

struct TwoPlacesCourseRow: Decodable {
    var title: String
    var kind: String
    var minutes: Int
    var availableFrom: String
    var availableTo: String
    var done: Int

    enum CodingKeys: String, CodingKey {
        case title, kind, minutes, done
        case availableFrom = "available_from"
        case availableTo = "available_to"
    }
}

struct TwoPlacesDiaryRow: Decodable {
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
