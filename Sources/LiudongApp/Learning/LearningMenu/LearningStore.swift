import Fluent
import Foundation
import LiudongCore
import SQLKit
import Vapor

/// The queries of the learning menu and the weekly quiz that pages, the API and the phone's tile read: the year's
/// figures per organization and the courses an organization sees.
enum LearningStore {
    /// Per branch under `path` in a year: members, members who learnt a course, courses learnt, members who took the
    /// weekly quiz and the sum of their average scores. Only completions count, never time.
    static func statRows(under path: String, year: Int, on sql: SQLDatabase) async throws -> [LearningStatRow] {
        let from = "\(year)-01-01"
        let to = "\(year)-12-31"
        return try await sql.raw(
            """
            SELECT m.organization_id AS org_id, COUNT(*) AS members,
              SUM(CASE WHEN c.n > 0 THEN 1 ELSE 0 END) AS learners, CAST(SUM(c.n) AS INTEGER) AS completions,
              SUM(CASE WHEN q.n > 0 THEN 1 ELSE 0 END) AS quiz_members, CAST(SUM(q.pct) AS DOUBLE PRECISION) AS quiz_score
            FROM organizations o JOIN members m ON m.organization_id = o.id
            LEFT JOIN (SELECT member_id, COUNT(*) AS n FROM course_completions
                       WHERE completed_on >= \(bind: from) AND completed_on <= \(bind: to) GROUP BY member_id) c
              ON c.member_id = m.id
            LEFT JOIN (SELECT a.member_id, COUNT(*) AS n, AVG(100.0 * a.score / a.total) AS pct FROM quiz_answers a
                       JOIN quizzes z ON z.id = a.quiz_id
                       WHERE z.opens_on >= \(bind: from) AND z.opens_on <= \(bind: to) AND a.total > 0
                       GROUP BY a.member_id) q
              ON q.member_id = m.id
            WHERE \(PathPrefix("o.path", path)) AND m.roster_state IS NULL
            GROUP BY m.organization_id
            """
        ).all(decoding: LearningStatRow.self)
    }

    /// The latest 60 courses published above or within an organization, with how many completed each.
    static func courses(visibleFrom org: Organization, on sql: SQLDatabase) async throws -> [CourseListRow] {
        try await sql.raw(
            """
            SELECT c.title, c.kind, c.minutes, o.short_name, c.available_from, c.available_to,
              (SELECT COUNT(*) FROM course_completions cc WHERE cc.course_id = c.id AND cc.completed_on IS NOT NULL) AS done
            FROM courses c JOIN organizations o ON o.id = c.publisher_org_id
            WHERE c.publisher_org_id IN \(SQLBind.group(org.pathIDs)) OR \(PathPrefix("o.path", org.path))
            ORDER BY c.available_from DESC, c.title LIMIT 60
            """
        ).all(decoding: CourseListRow.self)
    }
}

struct LearningStatRow: Decodable {
    var orgID: Int
    var members: Int
    var learners: Int?
    var completions: Int?
    var quizMembers: Int?
    var quizScore: Double?

    enum CodingKeys: String, CodingKey {
        case members, learners, completions
        case orgID = "org_id"
        case quizMembers = "quiz_members"
        case quizScore = "quiz_score"
    }
}

/// A course as the organization's list reads it.
struct CourseListRow: Decodable {
    var title: String
    var kind: String
    var minutes: Int
    var shortName: String
    var availableFrom: String
    var availableTo: String
    var done: Int

    enum CodingKeys: String, CodingKey {
        case title, kind, minutes, done
        case shortName = "short_name"
        case availableFrom = "available_from"
        case availableTo = "available_to"
    }
}
