import Fluent
import Foundation
import LiudongCore
import SQLKit
import Vapor

/// 一人一档: one member's whole record from both sides — roster changes, self-reports and reviews, flows, the
/// national exports they appear in, the inflow side's ledgers, reconciliation outcomes — as one timeline that
/// prints as the member's 流动党员档案. The outflow side and the inflow organization they report to see the same page.
struct ArchiveController: RouteCollection {
    func boot(routes: RoutesBuilder) throws {
        routes.get("members", ":id", "archive", use: show)
    }

    struct Entry: Encodable { var at: String; var side: String; var kind: String; var text: String; var sort: String }
    struct View: Encodable {
        var memberID: String; var name: String; var sex: String; var idMasked: String; var birth: String; var ethnicity: String
        var education: String; var category: String; var joined: String; var branch: String; var phoneMasked: String
        var entries: [Entry]; var printedAt: String
    }

    static func time(_ d: Date?) -> String { Format.dateTime(d) }

    func show(req: Request) async throws -> Response {
        let user = try req.user
        guard let id = req.parameters.get("id", as: UUID.self) else { throw AppError.notFound }
        let m = try await MemberService.find(id, for: user, on: req.db)
        guard let sql = req.db as? SQLDatabase else { throw AppError.conflict("需要SQL数据库") }
        let branch = try await Organization.find(m.organizationID, on: req.db)
        var entries: [Entry] = []
        func add(_ at: String, _ side: String, _ kind: String, _ text: String) { entries.append(Entry(at: at, side: side, kind: kind, text: text, sort: at)) }

        for e in try await MemberEvent.query(on: req.db).filter(\.$memberID == id).all() {
            add(ArchiveController.time(e.at), "流出地", e.kind == "reconciliation" ? "对账" : "花名册", e.summary + (e.accountUsername.map { "（\($0)）" } ?? ""))
        }
        struct R: Decodable { var kind: String; var status: String; var receipt: String; var created_at: Date?; var reviewed_by: String? }
        for r in try await sql.raw("SELECT kind, status, receipt, created_at, reviewed_by FROM self_reports WHERE member_id = \(bind: id)").all(decoding: R.self) {
            let statuses = ["pending": "待审核", "confirmed": "已确认", "returned": "已退回"]
            add(ArchiveController.time(r.created_at), r.kind == "arrival" ? "流入地" : "本人", "自主报告",
                "\(ReportKind(rawValue: r.kind)?.label ?? r.kind)（回执 \(r.receipt)，\(statuses[r.status] ?? r.status)\(r.reviewed_by.map { "，\($0)" } ?? "")）")
        }
        struct F: Decodable { var status: String; var left_on: String; var destination_code: String?; var inflow: String?; var arrived_on: String?; var returned_on: String?; var last_contact_on: String }
        for f in try await sql.raw("""
            SELECT f.status, f.left_on, f.destination_code, i.short_name AS inflow, f.arrived_on, f.returned_on, f.last_contact_on
            FROM flows f LEFT JOIN organizations i ON i.id = f.inflow_org_id WHERE f.member_id = \(bind: id)
            """).all(decoding: F.self) {
            add(f.left_on, "流出地", "流动", "外出\(f.destination_code.map { "至" + Divisions.shared.fullName($0) } ?? "")\(f.inflow.map { "，流入地党组织：" + $0 } ?? "")，状态：\(FlowState(rawValue: f.status)?.label ?? f.status)，最近联系 \(f.last_contact_on)")
            if let a = f.arrived_on { add(a, "流入地", "报到", "到达\(f.inflow ?? "流入地")报到") }
            if let r = f.returned_on { add(r, "流出地", "返回", "返回原籍") }
        }
        struct N: Decodable { var quarter: String; var is_mobile: Bool; var is_lost: Bool; var branch_name: String }
        for n in try await sql.raw("""
            SELECT quarter, is_mobile, is_lost, branch_name FROM national_records
            WHERE quarter IN (SELECT DISTINCT quarter FROM national_imports) AND id_hash = \(bind: m.idNumberHash)
            """).all(decoding: N.self) {
            add(Quarter(n.quarter).map { $0.firstDay.description } ?? n.quarter, "全国系统", "导入",
                "\(Quarter(n.quarter)?.chinese ?? n.quarter)全国党员管理信息系统导出：所在党支部 \(n.branch_name)，是否流动 \(n.is_mobile ? "是" : "否")，是否失联 \(n.is_lost ? "是" : "否")")
        }
        struct I: Decodable { var quarter: String; var org: String; var source: String; var created_at: Date }
        for i in try await sql.raw("SELECT e.quarter, o.short_name AS org, e.source, e.created_at FROM inflow_ledger_entries e JOIN organizations o ON o.id = e.org_id WHERE e.id_hash = \(bind: m.idNumberHash)").all(decoding: I.self) {
            add(ArchiveController.time(i.created_at), "流入地", "流入地台账", "\(i.org)\(i.source == "upload" ? "上传" : "确认")的\(Quarter(i.quarter)?.chinese ?? i.quarter)流入党员名单中有此人")
        }
        struct C: Decodable { var quarter: String; var category: String; var status: String; var resolution: String?; var note: String?; var resolved_by: String?; var created_at: Date; var resolved_at: Date? }
        for c in try await sql.raw("SELECT quarter, category, status, resolution, note, resolved_by, created_at, resolved_at FROM reconciliation_items WHERE id_hash = \(bind: m.idNumberHash)").all(decoding: C.self) {
            let label = ReconcileService.Category(rawValue: c.category)?.label ?? c.category
            add(ArchiveController.time(c.created_at), "对账", "对账", "\(Quarter(c.quarter)?.chinese ?? c.quarter)对账发现：\(label)")
            if c.status != "open", let at = c.resolved_at {
                let r = ["fixed": "已修正", "accepted": "已采纳对方", "explained": "已说明", "consistent": "已一致"][c.resolution ?? ""] ?? (c.resolution ?? "")
                add(ArchiveController.time(at), "对账", "对账", "“\(label)”\(r)\(c.note.map { "：" + $0 } ?? "")\(c.resolved_by.map { "（\($0)）" } ?? "")")
            }
        }
        entries.sort { $0.sort > $1.sort }
        let view = View(memberID: id.uuidString, name: m.name, sex: m.sex.label, idMasked: m.idMasked(req.cipher),
                        birth: Masking.birthMonth(m.birthDate), ethnicity: m.ethnicity, education: m.education.label,
                        category: m.category.label, joined: m.joinedOn, branch: branch?.name ?? "",
                        phoneMasked: (m.phonePrefix ?? "") + (m.phoneTail.map { "****" + $0 } ?? ""), entries: entries,
                        printedAt: ArchiveController.time(Date()))
        return try await req.page("members/archive", title: "流动党员档案", view)
    }
}
