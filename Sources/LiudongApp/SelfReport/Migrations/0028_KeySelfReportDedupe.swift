import Fluent
import Foundation
import SQLKit

/// `self_reports.dedupe_key` was a plain SHA-256 over the report's fields, the phone among them, stored beside every
/// other field in clear and the phone's first three and last four digits: 10,000 guesses recovered the phone from a
/// dump. New keys are digests under the data key (`FieldCipher.digest`). A key only matters for the ten minutes after
/// a report is sent (it catches the same report sent twice), so old rows get a value that is no function of their
/// content: `old:` and the receipt (unique, as the key must be). Rows already converted are left alone.
struct KeySelfReportDedupe: AsyncMigration {
    func prepare(on database: Database) async throws {
        guard let sql = database as? SQLDatabase else { return }
        try await sql.raw(
            "UPDATE self_reports SET dedupe_key = 'old:' || receipt WHERE dedupe_key NOT LIKE 'old:%'"
        ).run()
    }

    func revert(on database: Database) async throws {}
}
