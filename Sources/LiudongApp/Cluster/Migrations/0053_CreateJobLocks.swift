import Fluent

/// The lock rows of scheduled jobs on SQLite (PostgreSQL uses advisory locks): which process runs the job, since
/// when, and until when its lease holds.
struct CreateJobLocks: AsyncMigration {
    func prepare(on database: Database) async throws {
        try await database.schema("job_locks")
            .field("name", .string, .identifier(auto: false))
            .field("holder", .string, .required)
            .field("since", .datetime, .required)
            .field("until", .datetime, .required)
            .create()
    }

    func revert(on database: Database) async throws {
        try await database.schema("job_locks").delete()
    }
}
