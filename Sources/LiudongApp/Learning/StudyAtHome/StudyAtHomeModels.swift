import Fluent
import Foundation
import LiudongCore
import Vapor

/// 党员先锋岗工作日记: a member's dated entry, with the branch secretary's comment and 优秀 mark.
final class DiaryEntry: Model, @unchecked Sendable {
    static let schema = "diary_entries"

    @ID(key: .id) var id: UUID?
    @Field(key: "member_id") var memberID: UUID
    @Field(key: "on_day") var onDay: String
    @Field(key: "text") var text: String
    @OptionalField(key: "photo_sha256") var photoSHA256: String?
    @OptionalField(key: "photo_type") var photoType: String?
    @OptionalField(key: "comment") var comment: String?
    @OptionalField(key: "commented_by") var commentedBy: String?
    @Field(key: "excellent") var excellent: Bool
    @Timestamp(key: "created_at", on: .create, format: .clock) var createdAt: Date?

    init() {}
}

/// A return season (集中返乡): 春节 or dates a county sets, when branches deliver study to members at home.
final class ReturnSeason: Model, @unchecked Sendable {
    static let schema = "return_seasons"

    @ID(key: .id) var id: UUID?
    @Field(key: "org_id") var orgID: Int
    @Field(key: "name") var name: String
    @Field(key: "starts_on") var startsOn: String
    @Field(key: "ends_on") var endsOn: String
    @Field(key: "created_by") var createdBy: String

    init() {}
}

extension Request {
    /// The season `?season=ID` names among `seasons`, else the latest of them.
    func season(among seasons: [ReturnSeason]) -> ReturnSeason? {
        (try? query.get(String.self, at: "season")).flatMap { UUID(uuidString: $0) }.flatMap { id in
            seasons.first { $0.id == id }
        } ?? seasons.first
    }
}

final class HomeStudySession: Model, @unchecked Sendable {
    static let schema = "home_study_sessions"

    @ID(key: .id) var id: UUID?
    @Field(key: "season_id") var seasonID: UUID
    @Field(key: "branch_id") var branchID: Int
    @Field(key: "on_day") var onDay: String
    @Field(key: "place") var place: String
    @Field(key: "topic") var topic: String
    @Field(key: "created_by") var createdBy: String
    /// The organizational-life event (座谈授课) it was recorded as, with the attendance.
    @OptionalField(key: "event_id") var eventID: UUID?
    /// The course delivered, when one was.
    @OptionalField(key: "course_id") var courseID: UUID?

    init() {}
}

extension DiaryEntry {
    /// The entry's photo from the private files, checked against its SHA-256 (404 when it has none).
    func servePhoto(_ req: Request) async throws -> Response {
        guard let sha = photoSHA256, let kind = photoType.flatMap(ScanKind.init(rawValue:)) else {
            throw AppError.notFound
        }
        return try await req.application.files.serve(req, sha256: sha, kind: kind)
    }
}
