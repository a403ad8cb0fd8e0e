import Fluent
import LiudongCore
import SQLKit

/// The notices an account sees.
enum NoticeStore {
    /// Notices visible to the user.
    static func visible(for user: CurrentUser, on db: Database) -> QueryBuilder<Notice> {
        Notice.query(on: db).filter(.sql(embed: "\(PathPrefix("org_path", user.scopePath))"))
    }

    static func unreadCount(for user: CurrentUser, on db: Database) async throws -> Int {
        try await visible(for: user, on: db).filter(\.$id > user.noticesReadThrough).count()
    }
}
