import Fluent
import LiudongCore
import SQLKit
import Vapor

/// Loads the Chifeng demo into an empty database, in batches, inside one transaction.
enum DemoLoader {
    /// The demo accounts: username, role, scope organization code (filled from the plan), display name.
    static let password = "liudong-demo"

    struct Summary {
        var organizations: Int
        var members: Int
        var accounts: [(username: String, role: Role, org: String)]
    }

    static func isEmpty(_ db: Database) async throws -> Bool {
        try await Organization.query(on: db).count() == 0
    }

    static func load(
        seed: UInt64, memberCount: Int, flowCount: Int? = nil, cipher: FieldCipher, bcryptCost: Int = 12,
        on db: Database,
        today: CalendarDate = AppClock.today, progress: @escaping @Sendable (String) -> Void = { _ in }
    ) async throws -> Summary {
        // Chifeng's Q2 ledger held about 13,000 mobile members among some 60,000: the same share here.
        try await load(
            plan: DemoPlan(seed: seed, today: today), seed: seed, memberCount: memberCount,
            flowCount: flowCount ?? memberCount * 13 / 60, pendingPerBranch: 2...4, cipher: cipher,
            bcryptCost: bcryptCost,
            on: db, today: today, progress: progress)
    }

    /// Loads any plan (the demo, or `liudong generate`'s province-sized tree).
    static func load(
        plan planned: DemoPlan, seed: UInt64, memberCount: Int, flowCount: Int, pendingPerBranch: ClosedRange<Int>,
        cipher: FieldCipher, bcryptCost: Int = 12, on db: Database, today: CalendarDate = AppClock.today,
        progress: @escaping @Sendable (String) -> Void = { _ in }
    ) async throws -> Summary {
        guard try await isEmpty(db) else { throw AppError.conflict("数据库中已有数据，演示数据只能装入空数据库（可用 --force 清空后重装）") }
        var planned = planned
        progress("生成党员 \(memberCount) 名…")
        let members = planned.members(count: memberCount)
        let plan = planned
        let (flows, reports) = DemoPlan.flows(
            for: members, count: flowCount, pendingPerBranch: pendingPerBranch, seed: seed, today: today)
        let flowStatus = Dictionary(flows.map { ($0.memberIndex, $0.status.rawValue) }, uniquingKeysWith: { a, _ in a })
        let accounts = try await db.transaction { tx -> [(username: String, role: Role, org: String)] in
            let sql = try tx.sql()
            var rng = SeededRandom(seed: seed ^ 0x5EED)
            var idsByCode: [String: Int] = [:]
            var pathByCode: [String: String] = [:]
            var accounts: [(username: String, role: Role, org: String)] = []
            progress("组织 \(plan.organizations.count) 个…")
            let now = AppClock.now
            for (i, o) in plan.organizations.enumerated() {
                let org = Organization()
                org.code = o.code
                org.name = o.name
                org.shortName = o.shortName
                org.level = o.level
                org.kind = o.kind
                org.basis = o.basis
                org.divisionCode = o.divisionCode
                org.secretary = o.secretary
                org.phone = o.phone
                org.contactPerson = o.kind == .external ? o.secretary : nil
                org.parentID = o.parentCode.flatMap { idsByCode[$0] }
                org.path = "/"
                org.sortOrder = i + 1
                try await org.create(on: tx)
                let path = (o.parentCode.flatMap { pathByCode[$0] } ?? "/") + "\(org.id!)/"
                try await sql.update("organizations").set("path", to: path).where("id", .equal, org.id!).run()
                idsByCode[o.code] = org.id!
                pathByCode[o.code] = path
            }
            let eventColumns = ["organization_id", "at", "kind", "summary", "account_username"]
            for chunk in plan.organizations.chunked(200) {
                var insert = sql.insert(into: "organization_events").columns(eventColumns)
                for o in chunk {
                    insert = insert.values(
                        [
                            idsByCode[o.code]!, now, OrganizationEventKind.created.rawValue, "设立“\(o.name)”（演示数据）",
                            "demo",
                        ]
                            as [any Encodable & Sendable])
                }
                try await insert.run()
            }
            let columns = [
                "id", "name", "sex", "ethnicity", "birth_date", "id_number_enc", "id_number_hash", "id_tail",
                "id_prefix",
                "phone_enc", "phone_hash", "phone_tail", "phone_prefix", "education", "category", "joined_on",
                "full_on",
                "organization_id", "household", "residence", "employer", "is_migrant_worker", "flow_status",
                "created_at", "updated_at",
                "id_tail_hash",
            ]
            var seen = Set<String>()
            var written = 0
            var memberIDs: [Int: UUID] = [:]
            for chunk in Array(members.enumerated()).chunked(400) {
                var insert = sql.insert(into: "members").columns(columns)
                var events = sql.insert(into: "member_events").columns(
                    "member_id", "at", "kind", "summary", "account_username")
                var rows = 0
                for (index, m) in chunk {
                    let hash = cipher.hash(m.idNumber)
                    guard seen.insert(hash).inserted else { continue }
                    let id = UUID(random: &rng)
                    memberIDs[index] = id
                    let values: [any Encodable & Sendable] = [
                        id, m.name, m.sex.rawValue, m.ethnicity, m.birthDate.description, try cipher.seal(m.idNumber),
                        hash,
                        "", String(m.idNumber.prefix(6)), try cipher.seal(m.phone), cipher.hash(m.phone),
                        String(m.phone.suffix(4)), String(m.phone.prefix(3)), m.education.rawValue, m.category.rawValue,
                        m.joinedOn.description, m.fullOn?.description, idsByCode[m.branchCode]!, m.household,
                        m.residence,
                        m.employer, m.isMigrantWorker, flowStatus[index], now, now, cipher.tailHash(m.idNumber),
                    ]
                    insert = insert.values(values)
                    events = events.values(
                        [id, now, MemberEventKind.created.rawValue, "登记入花名册（演示数据）", "demo"]
                            as [any Encodable & Sendable])
                    rows += 1
                }
                guard rows > 0 else { continue }
                try await insert.run()
                try await events.run()
                written += rows
                if written % 10_000 < 500 { progress("党员 \(written)/\(members.count)…") }
            }
            progress("流动记录 \(flows.count) 条、待审核报告 \(reports.count) 份…")
            try await insertFlows(
                flows, reports: reports, members: members, memberIDs: memberIDs, idsByCode: idsByCode,
                pathByCode: pathByCode, cipher: cipher, rng: &rng, now: now, sql: sql)
            progress("账号…")
            let county = plan.counties.contains("150422") ? "150422" : plan.counties[0]
            // The demo secretary's branch: the county's branch with the most members away now (first in code order on
            // a tie), so the secretary's pages, pairings and the demo member have something to show at any demo size.
            var openFlows: [String: Int] = [:]
            for f in flows where f.status.isOpen { openFlows[members[f.memberIndex].branchCode, default: 0] += 1 }
            let countyBranches = plan.organizations.filter {
                $0.level == .branch && $0.kind == .regular && $0.code.hasPrefix(county)
            }
            let branch150422 = countyBranches.enumerated().max { a, b in
                (openFlows[a.element.code] ?? 0, -a.offset) < (openFlows[b.element.code] ?? 0, -b.offset)
            }!.element
            let committee = branch150422.parentCode!
            let countyName = Divisions.shared[county]?.name ?? county
            let specs: [(String, String, Role, String)] = [
                ("admin", "系统管理员（演示）", .admin, plan.rootCode),
                ("city", "\(plan.organizations[0].shortName)组织部（演示）", .orgDept, plan.rootCode),
                ("county", "\(countyName)组织部（演示）", .orgDept, county),
                ("committee", "基层党委（演示）", .committee, committee),
                ("secretary", "支部书记（演示）", .secretary, branch150422.code),
                ("inflow", "望京街道党工委（演示）", .inflow, "X110105"),
            ]
            let hash = try AuthService.hash(password, cost: bcryptCost)
            for (username, name, role, code) in specs {
                let a = Account(
                    username: username, displayName: name, passwordHash: hash, role: role,
                    organizationID: idsByCode[code]!)
                try await a.create(on: tx)
                accounts.append((username, role, code))
            }
            try await Features.loadDemo(DemoContext(db: tx, cipher: cipher, today: today, seed: seed))
            try await Audit.record(
                .import, "demo", ref: "seed \(seed)", summary: "装入演示数据：\(plan.organizations.count)个组织，\(written)名党员",
                user: nil, username: "cli", client: "command-line", on: tx)
            return accounts
        }
        // Fresh statistics so the planner starts from the organization path, not from every flow.
        try await db.sql().raw("ANALYZE").run()
        return Summary(organizations: plan.organizations.count, members: members.count, accounts: accounts)
    }
}

extension DemoLoader {
    static func insertFlows(
        _ flows: [DemoFlow], reports: [DemoReport], members: [DemoMember], memberIDs: [Int: UUID],
        idsByCode: [String: Int], pathByCode: [String: String], cipher: FieldCipher,
        rng: inout SeededRandom, now: Date, sql: SQLDatabase
    ) async throws {
        let flowColumns = [
            "id", "member_id", "status", "left_on", "expected_return_on", "destination_code", "address", "employer",
            "occupation", "reason", "inflow_org_id", "arrived_on", "arrival_confirmed", "returned_on",
            "last_contact_on",
            "overdue_since", "lost_candidate_since", "created_at", "updated_at",
        ]
        for chunk in flows.chunked(500) {
            var insert = sql.insert(into: "flows").columns(flowColumns)
            var events = sql.insert(into: "member_events").columns(
                "member_id", "at", "kind", "summary", "account_username")
            var rows = 0
            for f in chunk {
                guard let memberID = memberIDs[f.memberIndex] else { continue }
                let values: [any Encodable & Sendable] = [
                    UUID(random: &rng), memberID, f.status.rawValue, f.leftOn.description,
                    f.expectedReturnOn?.description,
                    f.destinationCode, f.address, f.employer, f.occupation, f.reason.rawValue,
                    f.inflowOrgCode.flatMap { idsByCode[$0] }, f.arrivedOn?.description, f.arrivedOn != nil,
                    f.returnedOn?.description,
                    f.lastContactOn.description, f.overdueSince?.description, f.lostCandidateSince?.description, now,
                    now,
                ]
                insert = insert.values(values)
                let place = Divisions.shared.fullName(f.destinationCode)
                events = events.values(
                    [
                        memberID, now, MemberEventKind.flow.rawValue,
                        "流出至\(place)（\(f.reason.label)），现状：\(f.status.label)（演示数据）", "demo",
                    ]
                        as [any Encodable & Sendable])
                rows += 1
            }
            guard rows > 0 else { continue }
            try await insert.run()
            try await events.run()
        }
        let reportColumns = [
            "id", "receipt", "kind", "org_code", "review_org_id", "review_path", "home_org_id", "member_id", "name",
            "id_number_enc", "id_number_hash", "id_masked", "phone_enc", "phone_masked", "destination_code", "address",
            "employer", "reason", "left_on", "status", "dedupe_key", "client_address", "created_at",
        ]
        for chunk in reports.chunked(300) {
            var insert = sql.insert(into: "self_reports").columns(reportColumns)
            var notices = sql.insert(into: "notices").columns(
                "org_id", "org_path", "kind", "title", "link", "created_at")
            var rows = 0
            for r in chunk {
                guard let memberID = memberIDs[r.memberIndex] else { continue }
                let m = members[r.memberIndex]
                let orgID = idsByCode[m.branchCode]!, path = pathByCode[m.branchCode]!
                let values: [any Encodable & Sendable] = [
                    UUID(random: &rng), r.receipt, ReportKind.outflow.rawValue, m.branchCode, orgID, path, orgID,
                    memberID, m.name,
                    try cipher.seal(m.idNumber), cipher.hash(m.idNumber), Masking.idStored(m.idNumber),
                    try cipher.seal(m.phone),
                    Masking.phone(m.phone), r.destinationCode, r.address, r.employer, r.reason.rawValue,
                    r.leftOn.description,
                    "pending", "demo-" + r.receipt, "demo", now,
                ]
                insert = insert.values(values)
                notices = notices.values(
                    [orgID, path, NoticeKind.report.rawValue, "新的流出登记：\(m.name)，待审核", "/reviews", now]
                        as [any Encodable & Sendable])
                rows += 1
            }
            guard rows > 0 else { continue }
            try await insert.run()
            try await notices.run()
        }
    }
}

extension Array {
    func chunked(_ size: Int) -> [ArraySlice<Element>] {
        stride(from: 0, to: count, by: size).map { self[$0..<Swift.min($0 + size, count)] }
    }
}

extension UUID {
    /// A version-4 UUID drawn from a seeded generator, so the demo is the same for the same seed.
    init(random rng: inout SeededRandom) {
        var bytes = [UInt8](repeating: 0, count: 16)
        for i in 0..<2 {
            let v = rng.next()
            for j in 0..<8 { bytes[i * 8 + j] = UInt8((v >> (8 * UInt64(j))) & 0xFF) }
        }
        bytes[6] = (bytes[6] & 0x0F) | 0x40
        bytes[8] = (bytes[8] & 0x3F) | 0x80
        self = UUID(
            uuid: (
                bytes[0], bytes[1], bytes[2], bytes[3], bytes[4], bytes[5], bytes[6], bytes[7],
                bytes[8], bytes[9], bytes[10], bytes[11], bytes[12], bytes[13], bytes[14], bytes[15]
            ))
    }
}
