import Fluent
import Foundation
import LiudongCore
import SQLKit
import Vapor

/// Quarterly three-way reconciliation (对账) for a scope: our outflow registry, the inflow sides' ledgers and the
/// national system's export, matched by the keyed hash of the ID number. Every difference becomes an item in the
/// discrepancy queue for whoever must act; items that no longer differ resolve themselves as 已一致.
enum ReconcileService {
    typealias Category = ThreeWayMatch.Category

    struct Item: Encodable, Sendable {
        var category: String
        var idTail: String
        var name: String
        var ours: [String: String]
        var inflow: [String: String]
        var national: [String: String]
        // Where it goes (not part of the JSON contract).
        var idHash: String
        var memberID: UUID?
        var countyID: Int?
        var inflowOrgID: Int?
        var assigneeID: Int
        var assigneePath: String

        enum CodingKeys: String, CodingKey { case category, idTail, name, ours, inflow, national }
    }

    struct Report: Sendable {
        var quarter: Quarter
        var scope: String
        var counts: [String: Int]
        var items: [Item]
        var nationalRows: Int
        var seconds: Double

        /// `{"quarter","scope","counts":{CATEGORY:N},"items":[{"category","idTail","name","ours":{},"inflow":{},"national":{}}]}`
        var json: Data {
            struct Shape: Encodable {
                var quarter: String
                var scope: String
                var counts: [String: Int]
                var items: [Item]
            }
            let e = JSONEncoder()
            e.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
            return (try? e.encode(Shape(quarter: quarter.description, scope: scope, counts: counts, items: items)))
                ?? Data()
        }
    }

    /// Runs the reconciliation for `scope` (an organization of our tree) and stores its items: load the three sides
    /// (`ReconcileLoader`), classify them (`ThreeWayMatch.classify`, pure), store the queue.
    static func run(quarter: Quarter, scope: Organization, cipher: FieldCipher, gate: WriteGate, on db: Database)
        async throws -> Report
    {
        let sql = try db.sql()
        let started = AppClock.now
        let loaded = try await ReconcileLoader.load(quarter: quarter, scope: scope, on: sql)
        let outcome = ThreeWayMatch.classify(loaded.input)
        // The last four characters shown with an item come from the sealed number (or sealed tail), opened only for
        // the items found; nothing in clear holds them.
        let items = outcome.findings.map { finding -> Item in
            let tail: String
            switch finding.tail {
            case .idNumber(let sealed): tail = (try? cipher.open(sealed)).map { String($0.suffix(4)) } ?? ""
            case .tail(let sealed): tail = sealed.flatMap { try? cipher.open($0) } ?? ""
            }
            return Item(
                category: finding.category.rawValue, idTail: tail, name: finding.name, ours: finding.ours,
                inflow: finding.inflow, national: finding.national, idHash: finding.idHash, memberID: finding.memberID,
                countyID: finding.countyID, inflowOrgID: finding.inflowOrgID, assigneeID: finding.assigneeID,
                assigneePath: finding.assigneePath)
        }
        try await store(items, quarter: quarter, scope: scope, cipher: cipher, gate: gate, on: db)
        try await sql.insert(into: "reconciliation_runs").columns("quarter", "scope_path", "scope_code", "items", "at")
            .values(
                [quarter.description, scope.path, scope.code, items.count, AppClock.now] as [any Encodable & Sendable]
            )
            .run()
        return Report(
            quarter: quarter, scope: scope.code, counts: outcome.counts, items: items,
            nationalRows: loaded.nationalRows, seconds: AppClock.now.timeIntervalSince(started))
    }

    /// Whether this quarter's reconciliation has been run over `path` (by a run of it or of an organization above it).
    static func hasRun(quarter: Quarter, covering path: String, on sql: SQLDatabase) async throws -> Bool {
        try await runScopes(quarter: quarter, on: sql).contains { path.hasPrefix($0) }
    }

    /// The paths this quarter's reconciliation has been run over.
    static func runScopes(quarter: Quarter, on sql: SQLDatabase) async throws -> [String] {
        try await sql.select().column("scope_path").from("reconciliation_runs")
            .where("quarter", .equal, quarter.description).all(decoding: RunScopeRow.self).map(\.scope_path)
    }

    /// The items as an .xlsx for those who work through them on paper.
    static func writeXLSX(_ report: Report, title: String, to path: String) throws {
        func show(_ d: [String: String]) -> String {
            d.sorted { $0.key < $1.key }.map { "\(fieldLabel($0.key))：\($0.value)" }.joined(separator: "；")
        }
        let book = try LedgerXLSXWriter(path: path)
        let summary = Category.allCases.map { [$0.label, "\(report.counts[$0.rawValue] ?? 0)"] }
        try book.writeTable(
            sheet: "汇总", title: title, header: ["类别", "人数"], rows: summary, numberColumns: [1], widths: [36, 10])
        try book.writeTable(
            sheet: "差异明细", title: title + "差异明细", header: ["序号", "类别", "姓名", "身份证号后四位", "我方", "流入地", "全国系统"],
            rows: report.items.enumerated().map { i, item in
                [
                    "\(i + 1)", Category(rawValue: item.category)?.label ?? item.category, item.name, item.idTail,
                    show(item.ours), show(item.inflow), show(item.national),
                ]
            }, numberColumns: [0], widths: [6, 26, 10, 12, 60, 30, 40])
        try book.close()
    }

    static func fieldLabel(_ key: String) -> String {
        [
            "branch": "所在党支部", "status": "状态", "destination": "流向地", "inflowOrg": "流入地党组织", "phoneTail": "手机尾号",
            "lost": "失联",
            "lostCandidate": "失联待确认", "org": "报到组织", "name": "姓名", "mobile": "是否流动", "conflicts": "不一致项",
        ][key] ?? key
    }

    /// Upserts the items (keeping what people already did with them), reopens ones that came back, and resolves
    /// as 已一致 the open items of this scope that no longer differ.
    static func store(
        _ items: [Item], quarter: Quarter, scope: Organization, cipher: FieldCipher, gate: WriteGate, on db: Database
    ) async throws {
        let q = quarter.description
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        try await db.writeTransaction(gate: gate) { tx in
            let sql = try tx.sql()
            let now = AppClock.now
            try await sql.raw(
                "CREATE TEMPORARY TABLE IF NOT EXISTS reconcile_current (id_hash TEXT NOT NULL, category TEXT NOT NULL, PRIMARY KEY (id_hash, category))"
            ).run()
            try await sql.raw("DELETE FROM reconcile_current").run()
            for chunk in items.chunked(400) {
                var insert = sql.insert(into: "reconciliation_items").columns(
                    "quarter", "category", "id_hash", "id_tail", "id_tail_enc", "name", "member_id", "county_id",
                    "inflow_org_id", "assignee_org_id", "assignee_path",
                    "details", "status", "created_at")
                var current = sql.insert(into: "reconcile_current").columns("id_hash", "category")
                for i in chunk {
                    struct Details: Encodable {
                        var ours: [String: String]
                        var inflow: [String: String]
                        var national: [String: String]
                    }
                    let details = String(
                        decoding: try encoder.encode(Details(ours: i.ours, inflow: i.inflow, national: i.national)),
                        as: UTF8.self)
                    insert = insert.values(
                        [
                            q, i.category, i.idHash, "", try cipher.seal(i.idTail), i.name, i.memberID, i.countyID,
                            i.inflowOrgID, i.assigneeID,
                            i.assigneePath, details, ItemStatus.open.rawValue, now,
                        ] as [any Encodable & Sendable])
                    current = current.values([i.idHash, i.category] as [any Encodable & Sendable])
                }
                try await insert.onConflict(with: ["quarter", "id_hash", "category"]) { c in
                    c.set(excludedValueOf: "details").set(excludedValueOf: "name").set(
                        excludedValueOf: "assignee_org_id"
                    )
                    .set(excludedValueOf: "assignee_path").set(excludedValueOf: "county_id").set(
                        excludedValueOf: "inflow_org_id"
                    )
                    .set(excludedValueOf: "member_id").set(excludedValueOf: "id_tail_enc")
                    // An item that had resolved itself as 已一致 and differs again opens again; what people did stays.
                    .set(
                        SQLColumn("status"),
                        to: SQLQueryString(
                            """
                            CASE WHEN reconciliation_items.resolution = \(bind: ItemResolution.consistent.rawValue)
                            THEN \(bind: ItemStatus.open.rawValue) ELSE reconciliation_items.status END
                            """)
                    )
                    .set(
                        SQLColumn("resolution"),
                        to: SQLQueryString(
                            """
                            CASE WHEN reconciliation_items.resolution = \(bind: ItemResolution.consistent.rawValue)
                            THEN NULL ELSE reconciliation_items.resolution END
                            """))
                }.run()
                try await current.run()
            }
            try await sql.raw(
                """
                UPDATE reconciliation_items SET status = \(bind: ItemStatus.resolved.rawValue),
                       resolution = \(bind: ItemResolution.consistent.rawValue), resolved_by = 'reconcile',
                       resolved_at = \(bind: now)
                WHERE quarter = \(bind: q) AND status = \(bind: ItemStatus.open.rawValue)
                  AND \(PathPrefix("assignee_path", scope.path))
                  AND NOT EXISTS (SELECT 1 FROM reconcile_current c WHERE c.id_hash = reconciliation_items.id_hash AND c.category = reconciliation_items.category)
                """
            ).run()
            try await sql.raw("DELETE FROM reconcile_current").run()
            // A signature says “nothing open between us”: a run that (re)opens items between a pair voids both.
            try await sql.raw(
                """
                UPDATE reconciliation_signoffs SET outflow_signed_by = NULL, outflow_signed_at = NULL, inflow_signed_by = NULL, inflow_signed_at = NULL
                WHERE quarter = \(bind: q) AND (outflow_signed_by IS NOT NULL OR inflow_signed_by IS NOT NULL)
                  AND EXISTS (SELECT 1 FROM reconciliation_items ri WHERE ri.quarter = reconciliation_signoffs.quarter
                              AND ri.county_id = reconciliation_signoffs.county_id AND ri.inflow_org_id = reconciliation_signoffs.inflow_org_id
                              AND ri.status = \(bind: ItemStatus.open.rawValue))
                """
            ).run()
        }
    }
}

private struct RunScopeRow: Decodable { var scope_path: String }
