import Fluent
import LiudongCore
import Vapor

/// The organization department settles registrations held for it (登记重复待核对): `/members/duplicates` and
/// `/api/v1/member-duplicates`.
struct RosterDuplicatePages {
    func boot(_ r: FeatureRoutes) throws {
        let dept = r.signedIn(.editOrganizations)
        dept.get("members", "duplicates", use: page)
        dept.post("members", "duplicates", ":id", use: settlePage)
        dept.get("api", "v1", "member-duplicates", use: list)
        dept.post("api", "v1", "member-duplicates", ":id", use: settleAPI)
    }

    struct Item: Content {
        var id: String
        var name: String
        var idMasked: String
        var submittedBy: String
        var submittedOrg: String
        var submittedAt: String
        /// The member already registered: a link when the account's scope covers them, else where they are.
        var existingMemberID: String?
        var existingPlace: String
        var settledAt: String?
        var settledBy: String?
        var resolution: String?
    }

    private func items(_ req: Request, open: Bool) async throws -> [Item] {
        let user = try req.user
        let rows = try await RosterDuplicates.list(under: user.scopePath, open: open, on: try req.db.sql())
        var out: [Item] = []
        for r in rows {
            let submitted = try await Organization.find(r.submitted_org_id, on: req.db)
            let existing = try await Member.find(r.existing_member_id, on: req.db)
            let home = try await existing.asyncMap { try await Organization.find($0.organizationID, on: req.db) } ?? nil
            let covered = home.map(user.covers) ?? false
            let county = try await home.asyncMap { try await OrgTree.countyOrCity(of: $0, on: req.db) }
            out.append(
                Item(
                    id: r.id.uuidString, name: r.name, idMasked: r.id_masked, submittedBy: r.submitted_by,
                    submittedOrg: submitted?.shortName ?? "", submittedAt: Format.dateTime(r.created_at),
                    existingMemberID: covered ? existing?.id?.uuidString : nil,
                    existingPlace: covered
                        ? (home?.shortName ?? "") : "已在\(county?.shortName ?? "其他地区")登记（不在本账号管辖范围内，请与该地组织部门联系）",
                    settledAt: r.settled_at.map(Format.dateTime), settledBy: r.settled_by, resolution: r.resolution))
        }
        return out
    }

    struct PageView: Encodable {
        var open: [Item]
        var settled: [Item]
    }

    func page(req: Request) async throws -> Response {
        try await req.page(
            "members/duplicates", title: "登记重复待核对",
            PageView(open: try await items(req, open: true), settled: try await items(req, open: false)))
    }

    struct SettleForm: Content {
        var resolution: String?
    }

    /// Settles with what was done (20–500 characters: the branch is told the result in these words).
    private func settle(_ req: Request) async throws -> String {
        let user = try req.user
        guard let id = req.parameters.get("id").flatMap(UUID.init(uuidString:)),
            let row = try await RosterDuplicates.find(id, under: user.scopePath, on: try req.db.sql())
        else { throw AppError.notFound }
        let text = Normalize.text((try? req.content.decode(SettleForm.self))?.resolution) ?? ""
        guard text.count >= 4, text.count <= 500 else {
            throw AppError.invalid([FieldError("resolution", "请写明核对结果和处理办法（4–500字），将通知提交的党支部")])
        }
        guard try await RosterDuplicates.settle(id, resolution: text, by: user.username, on: try req.db.sql()) else {
            throw AppError.conflict("这条登记已核对办结")
        }
        try await req.audit(
            .update, "roster-duplicate", ref: id.uuidString, summary: "核对重复登记（\(row.name)，\(row.id_masked)）：\(text)")
        if let branch = try await Organization.find(row.submitted_org_id, on: req.db) {
            try await Notice(org: branch, kind: .report, title: "组织部门已核对\(row.name)的登记：\(text)", link: "/members")
                .create(on: req.db)
        }
        return row.name
    }

    func settlePage(req: Request) async throws -> Response {
        try await req.act(back: "/members/duplicates") { "已核对办结：\(try await settle(req))" }
    }

    func list(req: Request) async throws -> [Item] {
        try await items(req, open: true)
    }

    func settleAPI(req: Request) async throws -> HTTPStatus {
        _ = try await settle(req)
        return .noContent
    }
}
