import Fluent
import SQLKit

/// Reconciliation items as home pages and worklists count them, once a province's items of a quarter are in (10,514
/// at 1,000,000 members):
/// - by the pair they belong to (quarter, county, inflow organization, status): each pair's open items were counted
///   by reading every item of the quarter once per pair (394 ms of a county home page's 414 ms of SQL);
/// - open ones by the organization they are assigned to (status, assignee path): the worklist's count read the whole
///   quarter's queue index (1.6 ms of a county worklist's 7 ms, to 0.02 ms).
struct IndexReconciliationItems: AsyncMigration {
    func prepare(on database: Database) async throws {
        guard let sql = database as? SQLDatabase else { return }
        try await sql.raw(
            """
            CREATE INDEX IF NOT EXISTS reconciliation_items_pair
            ON reconciliation_items (quarter, county_id, inflow_org_id, status)
            """
        ).run()
        try await sql.raw(
            """
            CREATE INDEX IF NOT EXISTS reconciliation_items_assigned
            ON reconciliation_items (status, assignee_path, assignee_org_id, quarter)
            """
        ).run()
    }

    func revert(on database: Database) async throws {
        guard let sql = database as? SQLDatabase else { return }
        try await sql.drop(index: "reconciliation_items_assigned").run()
        try await sql.drop(index: "reconciliation_items_pair").run()
    }
}
