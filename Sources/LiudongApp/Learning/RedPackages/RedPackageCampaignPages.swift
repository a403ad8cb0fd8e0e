import Fluent
import LiudongCore
import Vapor

/// One campaign at `/red-packages/campaigns/{id}`: its progress per branch, recipients added by filters (an
/// organization, a destination), the list as .xlsx to fill in tracking numbers and upload back, and each package's
/// address and tracking number. An account sees a campaign of its organization or above (its own branches' part)
/// or one run under it.
struct RedPackageCampaignPages {
    func boot(_ r: FeatureRoutes) throws {
        let m = r.signedIn(.manageLearning)
        m.get("red-packages", "campaigns", ":id", use: show)
        m.post("red-packages", "campaigns", ":id", "recipients", use: addRecipients)
        m.get("red-packages", "campaigns", ":id", "sheet", use: sheet)
        m.on(
            .POST, "red-packages", "campaigns", ":id", "tracking",
            body: .collect(maxSize: ByteCount(value: CSRFMiddleware.scanLimit)), use: uploadTracking)
        m.post("red-packages", ":id", "address", use: address)
        m.post("red-packages", ":id", "ship", use: ship)
        m.post("red-packages", ":id", "remove", use: remove)
    }

    /// The campaign, its organization and the part of the tree the account works on (the deeper of the two).
    static func campaign(_ req: Request) async throws -> (RedPackageCampaign, Organization, base: String) {
        let user = try req.user
        guard !user.isInflowSide, let id = req.parameters.get("id").flatMap(UUID.init(uuidString:)),
            let c = try await RedPackageCampaign.find(id, on: req.db),
            let org = try await Organization.find(c.orgID, on: req.db)
        else { throw AppError.notFound }
        if user.scopePath.hasPrefix(org.path) { return (c, org, user.scopePath) }
        if org.path.hasPrefix(user.scopePath) { return (c, org, org.path) }
        throw AppError.notFound
    }

    /// A package of a branch in the account's tree.
    static func package(_ req: Request) async throws -> RedPackage {
        let user = try req.user
        guard !user.isInflowSide, let id = req.parameters.get("id").flatMap(UUID.init(uuidString:)),
            let p = try await RedPackage.find(id, on: req.db),
            let branch = try await Organization.find(p.branchID, on: req.db),
            branch.path.hasPrefix(user.scopePath)
        else { throw AppError.notFound }
        return p
    }

    static func back(_ p: RedPackage) -> String {
        p.campaignID.map { "/red-packages/campaigns/\($0.uuidString)#p\(p.seq ?? 0)" } ?? "/red-packages"
    }

    struct Progress: Encodable {
        var branch: String
        var recipients: Int
        var sent: Int
        var received: Int
        var notReceived: Int
        var unanswered: Int
        var late: Int
        var percent: Int

        init(_ p: PackageProgress) {
            branch = p.branch
            recipients = p.recipients
            sent = p.sent
            received = p.received
            notReceived = p.notReceived
            unanswered = p.unanswered
            late = p.late
            percent = p.receivedPercent
        }
    }

    struct Recipient: Encodable {
        var id: String
        var seq: Int
        var name: String
        var branch: String
        var address: String
        var mailed: Bool
        var shipping: String
        var state: String
        var stateClass: String
        var reason: String?
        var reflection: String?
        var canShip: Bool
        var shipLabel: String
        var canRemove: Bool
    }

    struct Option: Encodable {
        var value: String
        var label: String
    }

    struct View: Encodable {
        var id: String
        var name: String
        var org: String
        var contents: [String]
        var budget: String
        var perRecipient: String
        var progress: [Progress]
        var total: Progress
        var orgs: [Option]
        var destinations: [Option]
        var rows: [Recipient]
        var shown: Int
        var today: String
        var result: TrackingResult?
    }

    struct TrackingResult: Encodable {
        var fileName: String
        var applied: Int
        var rejected: [RedPackageActions.TrackingRow]
        var problem: String?
    }

    func show(req: Request) async throws -> Response {
        try await render(req, result: nil)
    }

    func render(_ req: Request, result: TrackingResult?) async throws -> Response {
        let (c, org, base) = try await Self.campaign(req)
        let today = AppClock.today
        let rows = try await RedPackageStore.recipients(of: c.requireID(), under: base, on: req.db)
        let states = rows.map {
            RedPackageRules.state(
                trackingNo: $0.trackingNo, sentOn: $0.sentOn, answer: $0.answer, confirmedOn: $0.confirmedOn,
                today: today)
        }
        let (branches, total) = RedPackageRules.progress(zip(rows, states).map { ($0.0.branch, $0.1) })
        let shown = zip(rows, states).prefix(1000).map { r, s in
            Recipient(
                id: r.id.uuidString, seq: r.seq ?? 0, name: r.name, branch: r.branch, address: r.address ?? "",
                mailed: !r.trackingNo.isEmpty,
                shipping: r.trackingNo.isEmpty ? "" : "\(r.sentOn) \(r.courier) \(r.trackingNo)",
                state: s == .received ? "\(r.confirmedOn ?? "")收到" : s.label, stateClass: RedPackagePages.stateClass(s),
                reason: r.reason.map { $0.label + (r.reasonNote.map { "：\($0)" } ?? "") }, reflection: r.reflection,
                canShip: s != .received,
                shipLabel: s == .waiting ? "登记运单" : s == .notReceived ? "重新寄出" : "修改运单",
                canRemove: s == .waiting)
        }
        var destinations = Set<String>()
        for code in try await RedPackageStore.destinations(under: base, on: req.db) where code.count == 6 {
            destinations.insert(String(code.prefix(2)))
            destinations.insert(String(code.prefix(4)))
        }
        let orgs = try await RedPackageStore.filterOrganizations(under: base, on: req.db)
        let view = View(
            id: c.id!.uuidString, name: c.name, org: org.shortName, contents: c.items,
            budget: RedPackageRules.yuan(c.budgetFen),
            perRecipient: RedPackageRules.yuan(
                RedPackageRules.perRecipient(budgetFen: c.budgetFen, recipients: total.recipients)),
            progress: branches.map(Progress.init), total: Progress(total),
            orgs: orgs.map { Option(value: $0.code, label: $0.shortName) },
            destinations: Self.destinationOptions(destinations),
            rows: Array(shown), shown: shown.count, today: today.description, result: result)
        return try await req.page("learning/red-package-campaign", title: c.name, view)
    }

    /// Provinces and cities (a city under its province, left out where it has the province's name, as 北京市).
    static func destinationOptions(_ prefixes: Set<String>) -> [Option] {
        var seen = Set<String>()
        return prefixes.sorted().compactMap { p in
            let name = Divisions.shared.fullName(p.padding(toLength: 6, withPad: "0", startingAt: 0))
            guard !name.isEmpty, seen.insert(name).inserted else { return nil }
            return Option(value: p, label: p.count == 2 ? name : "　" + name)
        }
    }

    struct RecipientForm: Content {
        var org: String?
        var destination: String?
    }

    func addRecipients(req: Request) async throws -> Response {
        let (c, _, base) = try await Self.campaign(req)
        let f = try req.content.decode(RecipientForm.self)
        let back = "/red-packages/campaigns/\(c.id!.uuidString)"
        guard let under = try await OrgTree.organization(code: Normalize.text(f.org) ?? "", on: req.db),
            under.path.hasPrefix(base)
        else { return req.redirect(to: back, flash: "请选择本活动范围内的党组织") }
        return try await req.act(back: back) {
            let n = try await RedPackageActions.addRecipients(
                to: c, under: under, destination: f.destination, as: try req.acting)
            return n == 0 ? "没有符合条件、尚未在名单中的流动党员" : "已加入\(n)名流动党员，地址已按流动登记预填，请核对"
        }
    }

    /// The recipients as .xlsx: number, name, branch, address, and empty courier / tracking / day columns to fill in.
    func sheet(req: Request) async throws -> Response {
        let (c, _, base) = try await Self.campaign(req)
        let rows = try await RedPackageStore.recipients(of: c.requireID(), under: base, on: req.db)
        let name = "\(c.name)寄送名单.xlsx"
        return try await PrivateFiles.with(req.application, "exports", name: "red-\(UUID().uuidString).xlsx") { path in
            let w = try LedgerXLSXWriter(path: path)
            try w.writeTable(
                sheet: "寄送名单", title: "\(c.name)寄送名单（填写快递公司、运单号后在活动页上传）",
                header: ["包裹编号", "姓名", "所在党支部", "收件地址", "包裹内容", "快递公司", "运单号", "寄出日期"],
                rows: rows.map {
                    [
                        "\($0.seq ?? 0)", $0.name, $0.branch, $0.address ?? "", c.items.joined(separator: "、"),
                        $0.courier, $0.trackingNo, $0.sentOn,
                    ]
                }, numberColumns: [0], widths: [10, 10, 20, 40, 30, 14, 20, 12])
            try w.close()
            try await req.audit(
                .export, "red-package-campaign", ref: c.id!.uuidString, summary: "导出\(name)（\(rows.count)人，含收件地址）")
            return try await req.download(path, kind: .xlsx, name: name, fallback: "red-packages.xlsx")
        }
    }

    struct UploadForm: Content {
        var file: File?
        var courier: String?
        var sentOn: String?
    }

    func uploadTracking(req: Request) async throws -> Response {
        let (c, _, base) = try await Self.campaign(req)
        let back = "/red-packages/campaigns/\(c.id!.uuidString)"
        guard let f = try? req.content.decode(UploadForm.self), let file = f.file, file.data.readableBytes > 0 else {
            return req.redirect(to: back, flash: "请选择填好运单号的名单（.xlsx 或 .csv）")
        }
        let path = try PrivateFiles.make(req.application, "tmp", name: "tracking-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(atPath: path) }
        try Data(buffer: file.data).write(to: URL(fileURLWithPath: path))
        let rows: [TrackingSheet.Row]
        do {
            rows = try await OffLoop.run("tracking-import") {
                try TrackingSheet.read(path: path, maxRows: RedPackageRules.maxRecipients)
            }
        } catch {
            let problem =
                (error as? TrackingSheet.Problem)?.description ?? NationalImportService.readerProblem(error)
                ?? "无法读取该文件：请上传 .xlsx 或 .csv（UTF-8 或 GBK 编码）"
            return try await render(
                req, result: TrackingResult(fileName: file.filename, applied: 0, rejected: [], problem: problem))
        }
        let names = try await RedPackageStore.names(in: c.requireID(), on: req.db)
        let results = try await RedPackageActions.importTracking(
            rows: rows, campaign: c, under: base, courier: f.courier, sentOn: f.sentOn, names: names,
            as: try req.acting)
        return try await render(
            req,
            result: TrackingResult(
                fileName: file.filename, applied: results.filter(\.ok).count, rejected: results.filter { !$0.ok },
                problem: nil))
    }

    struct AddressForm: Content { var address: String? }

    func address(req: Request) async throws -> Response {
        let p = try await Self.package(req)
        let f = try req.content.decode(AddressForm.self)
        return try await req.act(back: Self.back(p)) {
            try await RedPackageActions.setAddress(p, to: f.address, as: try req.acting)
            return "已修改收件地址"
        }
    }

    struct ShipForm: Content {
        var sentOn: String?
        var courier: String?
        var trackingNo: String?
    }

    func ship(req: Request) async throws -> Response {
        let p = try await Self.package(req)
        let f = try req.content.decode(ShipForm.self)
        let again = p.answer == .notReceived
        return try await req.act(back: Self.back(p)) {
            try await RedPackageActions.ship(
                p, sentOn: f.sentOn, courier: f.courier, trackingNo: f.trackingNo, as: try req.acting)
            return again ? "已登记重新寄出，待本人确认收到" : "已登记运单号，待本人确认收到"
        }
    }

    func remove(req: Request) async throws -> Response {
        let p = try await Self.package(req)
        return try await req.act(back: Self.back(p)) {
            try await RedPackageActions.remove(p, as: try req.acting)
            return "已移出名单"
        }
    }
}
