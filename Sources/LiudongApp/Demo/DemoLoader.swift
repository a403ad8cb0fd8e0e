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

    static func load(seed: UInt64, memberCount: Int, cipher: FieldCipher, bcryptCost: Int = 12, on db: Database,
                     today: CalendarDate = .today(), progress: @escaping @Sendable (String) -> Void = { _ in }) async throws -> Summary {
        guard try await isEmpty(db) else { throw AppError.conflict("数据库中已有数据，演示数据只能装入空数据库（可用 --force 清空后重装）") }
        var planned = DemoPlan(seed: seed, today: today)
        let members = planned.members(count: memberCount)
        let plan = planned
        let accounts = try await db.transaction { tx -> [(username: String, role: Role, org: String)] in
            guard let sql = tx as? SQLDatabase else { throw AppError.conflict("需要SQL数据库") }
            var rng = SeededRandom(seed: seed ^ 0x5EED)
            var idsByCode: [String: Int] = [:]
            var pathByCode: [String: String] = [:]
            var accounts: [(username: String, role: Role, org: String)] = []
            progress("组织 \(plan.organizations.count) 个…")
            let now = Date()
            for (i, o) in plan.organizations.enumerated() {
                let org = Organization()
                org.code = o.code; org.name = o.name; org.shortName = o.shortName; org.level = o.level; org.kind = o.kind
                org.basis = o.basis; org.divisionCode = o.divisionCode; org.secretary = o.secretary; org.phone = o.phone
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
                    insert = insert.values([idsByCode[o.code]!, now, "created", "设立“\(o.name)”（演示数据）", "demo"] as [any Encodable & Sendable])
                }
                try await insert.run()
            }
            let columns = ["id", "name", "sex", "ethnicity", "birth_date", "id_number_enc", "id_number_hash", "id_tail", "id_prefix",
                           "phone_enc", "phone_hash", "phone_tail", "phone_prefix", "education", "category", "joined_on", "full_on",
                           "organization_id", "household", "residence", "employer", "is_migrant_worker", "created_at", "updated_at"]
            var seen = Set<String>()
            var written = 0
            for chunk in members.chunked(500) {
                var insert = sql.insert(into: "members").columns(columns)
                var events = sql.insert(into: "member_events").columns("member_id", "at", "kind", "summary", "account_username")
                var rows = 0
                for m in chunk {
                    let hash = cipher.hash(m.idNumber)
                    guard seen.insert(hash).inserted else { continue }
                    let id = UUID(random: &rng)
                    let values: [any Encodable & Sendable] = [
                        id, m.name, m.sex.rawValue, m.ethnicity, m.birthDate.description, try cipher.seal(m.idNumber), hash,
                        String(m.idNumber.suffix(4)), String(m.idNumber.prefix(6)), try cipher.seal(m.phone), cipher.hash(m.phone),
                        String(m.phone.suffix(4)), String(m.phone.prefix(3)), m.education.rawValue, m.category.rawValue,
                        m.joinedOn.description, m.fullOn?.description, idsByCode[m.branchCode]!, m.household, m.residence,
                        m.employer, m.isMigrantWorker, now, now,
                    ]
                    insert = insert.values(values)
                    events = events.values([id, now, "created", "登记入花名册（演示数据）", "demo"] as [any Encodable & Sendable])
                    rows += 1
                }
                guard rows > 0 else { continue }
                try await insert.run()
                try await events.run()
                written += rows
                if written % 10_000 < 500 { progress("党员 \(written)/\(members.count)…") }
            }
            progress("账号…")
            let branch150422 = plan.organizations.first { $0.level == .branch && $0.kind == .regular && $0.code.hasPrefix("150422") }!
            let committee = branch150422.parentCode!
            let specs: [(String, String, Role, String)] = [
                ("admin", "系统管理员（演示）", .admin, DemoPlan.cityCode),
                ("city", "赤峰市委组织部（演示）", .orgDept, DemoPlan.cityCode),
                ("county", "巴林左旗委组织部（演示）", .orgDept, "150422"),
                ("committee", "基层党委（演示）", .committee, committee),
                ("secretary", "支部书记（演示）", .secretary, branch150422.code),
                ("inflow", "望京街道党工委（演示）", .inflow, "X110105"),
            ]
            let hash = try AuthService.hash(password, cost: bcryptCost)
            for (username, name, role, code) in specs {
                let a = Account(username: username, displayName: name, passwordHash: hash, role: role, organizationID: idsByCode[code]!)
                try await a.create(on: tx)
                accounts.append((username, role, code))
            }
            try await Audit.record(.import, "demo", ref: "seed \(seed)", summary: "装入演示数据：\(plan.organizations.count)个组织，\(written)名党员",
                                   user: nil, username: "cli", client: "command-line", on: tx)
            return accounts
        }
        return Summary(organizations: plan.organizations.count, members: members.count, accounts: accounts)
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
        self = UUID(uuid: (bytes[0], bytes[1], bytes[2], bytes[3], bytes[4], bytes[5], bytes[6], bytes[7],
                           bytes[8], bytes[9], bytes[10], bytes[11], bytes[12], bytes[13], bytes[14], bytes[15]))
    }
}
