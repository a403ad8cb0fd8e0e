import Fluent
import SQLKit

/// `dues_months` keyed by (month, member) instead of (member, month): a month's million rows then go in one after
/// another — each month its own stretch of the key — instead of one into every page of the whole index (generating a
/// month at a million members took 8 s on an empty table and 13 s at a year). A member's months are read by their
/// months (`DuesStore.window`). No foreign key to `members` (checking one per row took as long again as writing the
/// month; every row is written from a member's own row); the index on `payment_id` goes (a payment's months are
/// found by their key); the sheet's index covers what it sums and finds the unpaid rows. The rows are copied as they
/// are.
struct KeyDuesMonthsByMonth: AsyncMigration {
    func prepare(on database: Database) async throws {
        guard let sql = database as? SQLDatabase else { return }
        let sqlite = sql.dialect.name == "sqlite"
        try await sql.raw(
            """
            CREATE TABLE dues_months_by_month (month TEXT NOT NULL, member_id UUID NOT NULL, org_id INTEGER NOT NULL,
              due_fen BIGINT NOT NULL, payment_id UUID, PRIMARY KEY (month, member_id))\
            \(unsafeRaw: sqlite ? " WITHOUT ROWID" : "")
            """
        ).run()
        try await sql.raw(
            """
            INSERT INTO dues_months_by_month (month, member_id, org_id, due_fen, payment_id)
            SELECT month, member_id, org_id, due_fen, payment_id FROM dues_months
            """
        ).run()
        try await sql.raw("DROP TABLE dues_months").run()
        try await sql.raw("ALTER TABLE dues_months_by_month RENAME TO dues_months").run()
        // A month's sheet by organization, covering what it sums (so the planner takes it over the key's month); with
        // `payment_id IS NULL` it reads a month's unpaid rows of an organization and nothing else (arrears).
        try await sql.create(index: "dues_months_sheet").on("dues_months").column("month").column("org_id")
            .column("payment_id").column("due_fen").run()
    }

    func revert(on database: Database) async throws {
        guard let sql = database as? SQLDatabase else { return }
        try await sql.raw(
            """
            CREATE TABLE dues_months_by_member (member_id UUID NOT NULL REFERENCES members (id), month TEXT NOT NULL,
              org_id INTEGER NOT NULL, due_fen BIGINT NOT NULL, payment_id UUID, UNIQUE (member_id, month))
            """
        ).run()
        try await sql.raw(
            """
            INSERT INTO dues_months_by_member (member_id, month, org_id, due_fen, payment_id)
            SELECT member_id, month, org_id, due_fen, payment_id FROM dues_months
            """
        ).run()
        try await sql.raw("DROP TABLE dues_months").run()
        try await sql.raw("ALTER TABLE dues_months_by_member RENAME TO dues_months").run()
        try await sql.create(index: "dues_months_sheet").on("dues_months").column("month").column("org_id").run()
        try await sql.create(index: "dues_months_payment").on("dues_months").column("payment_id").run()
    }
}
