import Fluent
import Foundation
import LiudongCore

/// What is done with red packages (`RedPackageRules`), audited: a package mailed by itself, a campaign set up, its
/// recipients chosen by filters, addresses corrected, tracking numbers registered (one at a time or from a list), and
/// the member's answer.
enum RedPackageActions {
    /// A red package mailed by itself to a member of the branch.
    static func send(
        to m: Member, branch: Organization, contents: String?, sentOn: String?, courier: String?, trackingNo: String?,
        as a: Acting
    ) async throws {
        let checked = try RedPackageRules.package(
            contents: contents, sentOn: sentOn, courier: courier, trackingNo: trackingNo, today: a.today
        ).orThrow()
        let p = RedPackage()
        p.memberID = try m.requireID()
        p.branchID = try branch.requireID()
        p.contents = checked.items.joined(separator: "\n")
        p.sentOn = checked.sentOn.description
        p.courier = checked.courier
        p.trackingNo = checked.trackingNo
        p.createdBy = a.name
        try await p.create(on: a.db)
        try await a.audit(
            .create, "red-package", ref: p.id!.uuidString,
            summary: "向\(m.name)寄出红色包裹（\(checked.courier) \(checked.trackingNo)）")
    }

    // MARK: Campaigns

    static func createCampaign(name: String?, contents: String?, budget: String?, org: Organization, as a: Acting)
        async throws -> RedPackageCampaign
    {
        let checked = try RedPackageRules.campaign(name: name, contents: contents, budget: budget).orThrow()
        let c = RedPackageCampaign()
        c.orgID = try org.requireID()
        c.name = checked.name
        c.contents = checked.items.joined(separator: "\n")
        c.budgetFen = checked.budgetFen
        c.createdBy = a.name
        try await c.create(on: a.db)
        try await a.audit(
            .create, "red-package-campaign", ref: c.id!.uuidString,
            summary: "红色包裹活动：\(checked.name)，预算\(RedPackageRules.yuan(checked.budgetFen))")
        return c
    }

    /// Adds the mobile members of branches under `org` going to `destination` (a division code's prefix, or any) who
    /// are not recipients yet, each with the address their flow gives; returns how many.
    static func addRecipients(
        to c: RedPackageCampaign, under org: Organization, destination: String?, as a: Acting
    ) async throws -> Int {
        let dest = Normalize.text(destination) ?? ""
        guard dest.count <= 6, dest.allSatisfy({ $0.isASCII && $0.isNumber }) else {
            throw AppError.conflict("目的地选择有误")
        }
        let id = try c.requireID()
        let room = RedPackageRules.maxRecipients - (try await RedPackageStore.count(in: id, on: a.db))
        guard room > 0 else { throw AppError.conflict("一次活动最多\(RedPackageRules.maxRecipients)名收件党员") }
        let found = try await RedPackageStore.candidates(
            under: org.path, destination: dest, notIn: id, limit: room, on: a.db)
        let packages = found.map { r in
            let p = RedPackage()
            p.memberID = r.id
            p.branchID = r.organizationID
            p.contents = c.contents
            p.sentOn = ""
            p.courier = ""
            p.trackingNo = ""
            p.campaignID = id
            p.address = RedPackageRules.prefilledAddress(
                destination: r.destinationCode.map { Divisions.shared.fullName($0) } ?? "", street: r.address)
            p.createdBy = a.name
            return p
        }
        try await RedPackageStore.add(packages, to: id, on: a.db)
        if !packages.isEmpty {
            let place =
                dest.isEmpty
                ? "" : "、流向\(Divisions.shared.fullName(dest.padding(toLength: 6, withPad: "0", startingAt: 0)))"
            try await a.audit(
                .update, "red-package-campaign", ref: id.uuidString,
                summary: "\(c.name)：加入\(org.shortName)\(place)的流动党员\(packages.count)人")
        }
        return packages.count
    }

    /// Corrects where a package goes (not once received).
    static func setAddress(_ p: RedPackage, to raw: String?, as a: Acting) async throws {
        guard p.confirmedOn == nil else { throw AppError.conflict("该包裹已确认收到") }
        let address = try RedPackageRules.address(raw).orThrow()
        p.address = address
        try await p.update(on: a.db)
        try await a.audit(.update, "red-package", ref: p.id!.uuidString, summary: "修改红色包裹收件地址")
    }

    /// Registers how a package was mailed — again after the member said 未收到, which clears that answer.
    static func ship(_ p: RedPackage, sentOn: String?, courier: String?, trackingNo: String?, as a: Acting)
        async throws
    {
        let s = try RedPackageRules.shipment(sentOn: sentOn, courier: courier, trackingNo: trackingNo, today: a.today)
            .orThrow()
        try await ship(p, s, as: a)
        try await a.audit(
            .update, "red-package", ref: p.id!.uuidString, summary: "登记红色包裹运单（\(s.courier) \(s.trackingNo)）")
    }

    private static func ship(_ p: RedPackage, _ s: CheckedShipment, as a: Acting) async throws {
        guard p.confirmedOn == nil else { throw AppError.conflict("该包裹已确认收到") }
        guard p.address != nil || p.campaignID == nil else { throw AppError.conflict("请先填写收件地址") }
        p.sentOn = s.sentOn.description
        p.courier = s.courier
        p.trackingNo = s.trackingNo
        p.answer = nil
        p.reason = nil
        p.reasonNote = nil
        p.answeredOn = nil
        let what = p.contents.split(separator: "\n").first.map(String.init) ?? "学习资料"
        try await a.db.transaction { tx in
            try await p.update(on: tx)
            try await Notify.enqueue(
                .redPackageSent, member: p.memberID, params: ["what": what], link: "/my/red-packages/\(p.id!)", on: tx)
        }
    }

    /// Takes a recipient out of a campaign before the package is mailed.
    static func remove(_ p: RedPackage, as a: Acting) async throws {
        guard p.campaignID != nil, !p.mailed else { throw AppError.conflict("已寄出的包裹不能移出名单") }
        try await p.delete(on: a.db)
        try await a.audit(.delete, "red-package", ref: p.id!.uuidString, summary: "移出红色包裹名单（编号\(p.seq ?? 0)）")
    }

    /// One row of a tracking list as applied or refused.
    struct TrackingRow: Encodable, Sendable {
        var row: Int
        var number: String
        var name: String
        var ok: Bool
        var reason: String
    }

    /// Registers the tracking numbers of a list (`TrackingSheet`) for the campaign's packages of branches under
    /// `path`: rows are matched by 包裹编号 (and the name, when the row has one); each row is applied or named with
    /// its reason, all applied rows in one transaction. The courier and day default to the form's.
    static func importTracking(
        rows: [TrackingSheet.Row], campaign c: RedPackageCampaign, under path: String, courier: String?,
        sentOn: String?, names: [UUID: String], as a: Acting
    ) async throws -> [TrackingRow] {
        let packages = try await RedPackageStore.byNumber(in: c.requireID(), on: a.db)
        let branches = try await OrgTree.paths(of: packages.values.map(\.branchID), on: a.db)
        var results: [TrackingRow] = []
        var apply: [(RedPackage, CheckedShipment)] = []
        var seen = Set<Int>()
        for r in rows {
            let number = r[.number] ?? ""
            var result = TrackingRow(row: r.row, number: number, name: r[.name] ?? "", ok: false, reason: "")
            defer { results.append(result) }
            guard let n = Int(number.prefix(9)), let p = packages[n], branches[p.branchID]?.hasPrefix(path) == true
            else {
                result.reason = "本活动（您管理的范围内）没有这个包裹编号"
                continue
            }
            if let name = r[.name], name != names[p.memberID] {
                result.reason = "姓名与名单中该编号的党员不一致"
                continue
            }
            guard r[.trackingNo] != nil else {
                result.reason = "未填运单号"
                continue
            }
            guard seen.insert(n).inserted else {
                result.reason = "该编号在文件中重复出现"
                continue
            }
            guard p.confirmedOn == nil else {
                result.reason = "该包裹已确认收到，未改动"
                continue
            }
            guard p.address != nil else {
                result.reason = "该包裹还没有收件地址"
                continue
            }
            switch RedPackageRules.shipment(
                sentOn: r[.sentOn] ?? sentOn, courier: r[.courier] ?? courier, trackingNo: r[.trackingNo],
                today: a.today)
            {
            case .success(let s):
                apply.append((p, s))
                result.ok = true
            case .failure(let e):
                result.reason = e.problems.map(\.message).joined(separator: "；")
            }
        }
        let shipments = apply
        let summary = "\(c.name)：导入运单号，登记\(apply.count)个，退回\(results.count - apply.count)行"
        try await a.db.transaction { tx in
            let inTx = a.on(tx)
            for (p, s) in shipments { try await ship(p, s, as: inTx) }
            try await inTx.audit(.import, "red-package-campaign", ref: c.id!.uuidString, summary: summary)
        }
        return results
    }

    // MARK: The member's answer

    /// 收到 (once; again is no change).
    static func confirm(_ p: RedPackage, as a: Acting) async throws {
        guard p.confirmedOn == nil else { return }
        try await answer(p, CheckedAnswer(answer: .received, reason: nil, note: nil, reflection: nil), as: a)
    }

    /// 收到 with an optional reflection, or 未收到 with the reason — which the branch's worklist then shows.
    static func answer(
        _ p: RedPackage, received: String?, reason: String?, note: String?, reflection: String?,
        as a: Acting
    ) async throws {
        guard p.confirmedOn == nil else { throw AppError.conflict("已确认收到") }
        guard p.mailed else { throw AppError.notFound }
        let checked = try RedPackageRules.answer(received: received, reason: reason, note: note, reflection: reflection)
            .orThrow()
        try await answer(p, checked, as: a)
    }

    private static func answer(_ p: RedPackage, _ checked: CheckedAnswer, as a: Acting) async throws {
        p.answer = checked.answer
        p.answeredOn = a.today.description
        if checked.reflection != nil { p.reflection = checked.reflection }
        switch checked.answer {
        case .received:
            p.confirmedOn = a.today.description
            p.reason = nil
            p.reasonNote = nil
        case .notReceived:
            p.reason = checked.reason
            p.reasonNote = checked.note
        }
        try await p.update(on: a.db)
        try await a.audit(
            .update, "red-package", ref: p.id!.uuidString,
            summary: checked.answer == .received ? "确认收到红色包裹" : "反馈未收到红色包裹（\(checked.reason?.label ?? "")）")
    }
}
