import Fluent

/// The one query the system feature makes: is the database there.
enum SystemStore {
    static func ping(_ db: Database) async throws {
        try await db.sql().raw("SELECT 1").run()
    }
}
