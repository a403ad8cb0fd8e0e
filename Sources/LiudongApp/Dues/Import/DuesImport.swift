import Fluent
import Foundation
import LiudongCore
import NIOConcurrencyHelpers
import Vapor

/// A dues book's dry run on record, and the rows it will write.
final class DuesImportRecord: Model, @unchecked Sendable {
    static let schema = "dues_imports"

    @ID(key: .id) var id: UUID?
    @Field(key: "org_id") var orgID: Int
    @Field(key: "by_name") var byName: String
    @Field(key: "file_name") var fileName: String
    @Field(key: "rows") var rows: String
    @Field(key: "accepted") var accepted: Int
    @Field(key: "rejected") var rejected: Int
    @Timestamp(key: "created_at", on: .create, format: .clock) var createdAt: Date?
    @OptionalField(key: "applied_at") var appliedAt: Date?

    init() {}
}

/// Importing a branch's existing dues book (.xlsx/.csv): read tolerantly (`DuesBookSheet`), every row checked by the
/// same rules as a payment recorded by hand — inside a transaction that a dry run rolls back, so a month paid twice
/// within the file is caught too — then applied all together, or not at all.
enum DuesImport {
    /// A row the dry run accepted, as it will be written.
    struct Planned: Codable, Sendable {
        var row: Int
        var memberID: UUID
        var from: String
        var to: String
        var amountFen: Int
        var paidOn: String
        var paidToOrgID: Int
        var receipt: String?
    }

    struct RowResult: Encodable, Sendable {
        var row: Int
        var name: String
        var idTail: String
        var months: String
        var amount: String
        var ok: Bool
        var reason: String
    }

    struct Outcome: Sendable {
        var rows: [RowResult]
        var planned: [Planned]
        var problem: String?
    }

    /// Thrown to roll a dry run back.
    private struct DryRun: Error {}

    /// Reads the book at `path` and checks every row as `user` would record it (members of the account's tree only).
    static func dryRun(path: String, by user: CurrentUser, cipher: FieldCipher, on db: Database) async throws -> Outcome
    {
        let today = AppClock.today
        let rows: [DuesBookSheet.Row]
        do {
            rows = try await OffLoop.run("dues-import") {
                try DuesBookSheet.read(path: path, maxRows: DuesBook.maxRows)
            }
        } catch {
            let problem =
                (error as? DuesBookSheet.Problem)?.description ?? NationalImportService.readerProblem(error)
                ?? "无法读取该文件：请上传 .xlsx 或 .csv（UTF-8 或 GBK 编码）"
            return Outcome(rows: [], planned: [], problem: problem)
        }
        // Collected inside the transaction, which the dry run always rolls back by throwing.
        let found = NIOLockedValueBox<(rows: [RowResult], planned: [Planned])>(([], []))
        let acting = Acting.staff(user, today: today, on: db, audited: false)
        do {
            try await db.transaction { tx in
                for r in rows {
                    let (result, plan) = try await check(r, user: user, cipher: cipher, as: acting.on(tx))
                    found.withLockedValue {
                        $0.rows.append(result)
                        if let plan { $0.planned.append(plan) }
                    }
                }
                throw DryRun()
            }
        } catch is DryRun {}
        let (results, planned) = found.withLockedValue { ($0.rows, $0.planned) }
        return Outcome(rows: results, planned: planned, problem: nil)
    }

    /// One row: read, its member found in the account's tree by number (and name when the book gives one), where it
    /// was paid, then written as a payment would be (in the dry run's transaction).
    private static func check(_ r: DuesBookSheet.Row, user: CurrentUser, cipher: FieldCipher, as a: Acting)
        async throws -> (RowResult, Planned?)
    {
        let raw = Normalize.key(r[.idNumber] ?? "")
        var result = RowResult(
            row: r.row, name: r[.name] ?? "", idTail: String(raw.suffix(4)), months: r[.month] ?? r[.from] ?? "",
            amount: r[.amount] ?? "", ok: false, reason: "")
        let line: DuesBookLine
        switch DuesBook.line(r, today: a.today) {
        case .failure(let p):
            result.reason = p.message
            return (result, nil)
        case .success(let l): line = l
        }
        result.months =
            line.months.count == 1
            ? line.months[0].description : "\(line.months[0])至\(line.months[line.months.count - 1])"
        result.amount = Fen.yuan(line.amountFen)
        guard let id = MemberAuthService.normalizedID(line.idNumber),
            let m = try await DuesStore.member(hash: cipher.hash(id), visibleTo: user, on: a.db)
        else {
            result.reason = "身份证号不在您管理范围内的花名册中"
            return (result, nil)
        }
        if let name = line.name, name != Normalize.key(m.name) {
            result.reason = "姓名与花名册不符（花名册为\(m.name)）"
            return (result, nil)
        }
        result.name = m.name
        let payees = try await DuesStore.payees(of: m, on: a.db)
        let to = line.paidTo.map(Normalize.key) ?? ""
        guard
            let payee = to.isEmpty
                ? payees.first(where: { $0.kind == .home })
                : payees.first(where: {
                    [Normalize.key($0.org.name), Normalize.key($0.org.shortName), $0.org.code].contains(to)
                })
        else {
            result.reason = "缴至“\(line.paidTo ?? "")”不是该党员所在党支部、报到的流入地党组织或参加的流动党员党组织"
            return (result, nil)
        }
        let entry = DuesActions.Entry(
            months: line.months, amountFen: line.amountFen, paidOn: line.paidOn, payee: payee, channel: .cash,
            reference: nil, receipt: line.receipt, paidBy: nil, note: "导入党费收缴登记簿", source: "import",
            byHomeBranch: payee.kind == .home)
        do {
            _ = try await DuesActions.write(entry, member: m, as: a)
        } catch AppError.invalid(let errors) {
            result.reason = errors.map(\.message).joined(separator: "；")
            return (result, nil)
        } catch AppError.conflict(let message) {
            result.reason = message
            return (result, nil)
        }
        result.ok = true
        result.reason = "可导入"
        return (
            result,
            Planned(
                row: r.row, memberID: try m.requireID(), from: line.months[0].description,
                to: line.months[line.months.count - 1].description, amountFen: line.amountFen,
                paidOn: line.paidOn.description, paidToOrgID: try payee.org.requireID(), receipt: line.receipt)
        )
    }

    /// Writes the planned rows in one transaction: a row that no longer passes (a month paid since the dry run)
    /// stops the whole import, with its reason.
    static func apply(_ planned: [Planned], as a: Acting) async throws -> Int {
        try await a.db.transaction { tx in
            for p in planned {
                guard let m = try await Member.find(p.memberID, on: tx),
                    let payee = try await DuesStore.payees(of: m, on: tx).first(where: { $0.org.id == p.paidToOrgID }),
                    let from = YearMonth(p.from), let to = YearMonth(p.to), let day = CalendarDate(p.paidOn)
                else { throw AppError.conflict("第\(p.row)行：党员或缴至的党组织已有变化，未导入任何一行，请重新上传") }
                let entry = DuesActions.Entry(
                    months: from.through(to), amountFen: p.amountFen, paidOn: day, payee: payee, channel: .cash,
                    reference: nil, receipt: p.receipt, paidBy: nil, note: "导入党费收缴登记簿", source: "import",
                    byHomeBranch: payee.kind == .home)
                do {
                    _ = try await DuesActions.write(entry, member: m, as: a.on(tx))
                } catch AppError.conflict(let message) {
                    throw AppError.conflict("第\(p.row)行：\(message)。未导入任何一行，请重新上传")
                } catch AppError.invalid(let errors) {
                    throw AppError.conflict(
                        "第\(p.row)行：\(errors.map(\.message).joined(separator: "；"))。未导入任何一行，请重新上传")
                }
            }
            return planned.count
        }
    }
}
