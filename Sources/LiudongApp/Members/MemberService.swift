import Fluent
import LiudongCore
import SQLKit
import Vapor

/// A registration held for the organization department to check (`RosterDuplicateAnswer.submittedForCheck`).
struct SubmittedForCheck: Error {}

/// Roster operations, apart from HTTP so commands and tests can use them.
enum MemberService {
    static let pageSize = 20

    /// Creates a member after validation; one member per ID number across the whole database.
    /// A number already on the roster is refused with the same words wherever it is (this scope or another county's),
    /// and the refusal is audited: an editor trying numbers leaves a trail.
    static let numberTaken = "该公民身份号码已在花名册中，同一人只能登记一次；如需转入本单位，请办理组织关系转接"

    static func create(
        _ form: MemberForm, by user: CurrentUser, client: String = "", cipher: FieldCipher,
        lookupsPerHour: Int = Settings.defaultNumberLookupsPerHour, on db: Database
    ) async throws -> Member {
        guard user.can(.editRoster) else { throw AppError.forbidden }
        let v = try form.validate().get()
        let org = try await branch(v.orgCode, for: user, on: db)
        let hash = cipher.hash(v.idNumber.value)
        if RosterDuplicateAnswer.answer(accountLevel: user.scopeLevel, existingInScope: false) == .submittedForCheck {
            // Below the county a registration is also a lookup of a number (registered elsewhere or not): it counts
            // against the hourly allowance, as a roster search by number does.
            try await NumberLookups.admit(user, limit: lookupsPerHour, on: db)
            try await Audit.record(
                .lookup, "member-create", ref: cipher.hash("lookup|" + v.idNumber.value),
                summary: "登记党员：按身份证号查重（查找值只存键控摘要）", user: user, client: client, on: db)
        }
        if let existing = try await Member.query(on: db).filter(\.$idNumberHash == hash).first() {
            let inScope =
                try await user.visibleMembers(Member.query(on: db)).filter(\.$id == existing.id!).count() > 0
            switch RosterDuplicateAnswer.answer(accountLevel: user.scopeLevel, existingInScope: inScope) {
            case .taken:
                try await Audit.record(
                    .create, "member", summary: "登记党员未成功：公民身份号码（\(Masking.idStored(v.idNumber.value))）已在花名册中",
                    user: user, client: client, on: db)
                throw AppError.invalid([FieldError("idNumber", numberTaken)])
            case .submittedForCheck:
                // Below the county the answer never tells that (or where) the number is registered elsewhere: the
                // county's organization department settles it (its worklist).
                try await RosterDuplicates.submit(
                    v, branch: org, existing: existing.id!, by: user, cipher: cipher, on: db)
                try await Audit.record(
                    .create, "member",
                    summary: "登记党员\(v.name)（\(Masking.idStored(v.idNumber.value))）：已提交组织部门核对", user: user,
                    client: client, on: db)
                throw SubmittedForCheck()
            }
        }
        let m = Member()
        try apply(v, org: org, to: m, cipher: cipher)
        try await db.transaction { tx in
            try await m.create(on: tx)
            try await MemberEvent(
                memberID: m.id!, kind: .created, summary: "登记入花名册，所在党支部：\(org.shortName)", by: user.username
            ).create(on: tx)
        }
        return m
    }

    /// Edits a member in scope; records what changed in the timeline.
    static func update(
        _ member: Member, with form: MemberForm, by user: CurrentUser, cipher: FieldCipher, on db: Database
    ) async throws -> [String] {
        guard user.can(.editRoster) else { throw AppError.forbidden }
        let v = try form.validate().get()
        let org = try await branch(v.orgCode, for: user, on: db)
        let hash = cipher.hash(v.idNumber.value)
        if hash != member.idNumberHash,
            try await Member.query(on: db).filter(\.$idNumberHash == hash).filter(\.$id != member.id!).count() > 0
        {
            throw AppError.invalid([FieldError("idNumber", numberTaken)])
        }
        let before = snapshot(member)
        let oldOrg = member.organizationID
        let oldHash = member.idNumberHash
        try apply(v, org: org, to: member, cipher: cipher)
        let after = snapshot(member)
        var changed = before.keys.sorted().filter { before[$0] != after[$0] }.map {
            "\($0)：\(before[$0] ?? "") → \(after[$0] ?? "")"
        }
        if hash != oldHash { changed.append("公民身份号码已更正") }
        if oldOrg != org.id { changed.append("所在党支部改为\(org.shortName)") }
        guard member.hasChanges else { return [] }
        let summary = "信息修改：" + (changed.isEmpty ? "号码信息更新" : changed.joined(separator: "；"))
        try await db.transaction { tx in
            try await member.update(on: tx)
            try await MemberEvent(memberID: member.id!, kind: .updated, summary: summary, by: user.username).create(
                on: tx)
            if oldOrg != org.id {
                // The home side's cadres served the old branch: their pairings end (the inflow side's stay).
                try await PairingActions.endAll(
                    of: member.id!, side: .outflow, reason: "党员组织关系转至\(org.shortName)", on: tx)
            }
        }
        return changed
    }

    /// Plain fields worth naming in a timeline entry (never the ID number or phone themselves).
    private static func snapshot(_ m: Member) -> [String: String] {
        [
            "姓名": m.name, "民族": m.ethnicity, "学历": m.education.label, "人员类别": m.category.label,
            "入党日期": m.joinedOn, "转正日期": m.fullOn ?? "", "户籍所在地": m.household ?? "",
            "现居住地": m.residence ?? "", "工作单位及职务": m.employer ?? "", "是否农民工": m.isMigrantWorker ? "是" : "否",
            "手机号码": m.phoneMasked ?? "",
        ]
    }

    static func apply(_ v: MemberForm.Valid, org: Organization, to m: Member, cipher: FieldCipher) throws {
        m.name = v.name
        m.sex = v.sex
        m.ethnicity = v.ethnicity
        m.birthDate = v.birthDate.description
        let id = v.idNumber.value
        if m.$idNumberHash.value != cipher.hash(id) {
            m.idNumberEnc = try cipher.seal(id)
            m.idNumberHash = cipher.hash(id)
        }
        m.idPrefix = String(id.prefix(6))
        m.idTail = ""
        m.idTailHash = cipher.tailHash(id)
        if let p = v.phone {
            if m.phoneHash != cipher.hash(p) {
                m.phoneEnc = try cipher.seal(p)
                m.phoneHash = cipher.hash(p)
            }
            m.phonePrefix = String(p.prefix(3))
            m.phoneTail = String(p.suffix(4))
        } else {
            m.phoneEnc = nil
            m.phoneHash = nil
            m.phonePrefix = nil
            m.phoneTail = nil
        }
        m.education = v.education
        m.category = v.category
        m.joinedOn = v.joinedOn.description
        m.fullOn = v.fullOn?.description
        m.organizationID = org.id!
        m.household = v.household
        m.residence = v.residence
        m.employer = v.employer
        m.isMigrantWorker = v.isMigrantWorker
    }

    /// The branch a member belongs to: must exist, be open, be a branch (or general branch) and lie in scope.
    static func branch(_ code: String, for user: CurrentUser, on db: Database) async throws -> Organization {
        guard let org = try await Organization.query(on: db).filter(\.$code == code).first(), user.covers(org) else {
            throw AppError.invalid([FieldError("orgCode", "所在党支部不存在或不在您的管理范围内")])
        }
        guard org.kind == .regular, org.level == .branch || org.level == .generalBranch else {
            throw AppError.invalid([FieldError("orgCode", "党员应隶属于党支部或党总支，“\(org.shortName)”不是")])
        }
        guard !org.isClosed else { throw AppError.invalid([FieldError("orgCode", "“\(org.shortName)”已撤销，不能再登记党员")]) }
        return org
    }

    /// A member by id, or 404 when missing or out of scope.
    static func find(_ id: UUID, for user: CurrentUser, on db: Database) async throws -> Member {
        guard let m = try await user.visibleMembers(Member.query(on: db)).filter(\.$id == id).first() else {
            throw AppError.notFound
        }
        return m
    }

    struct SearchResult {
        var members: [Member]
        var total: Int
        var page: Int
        var pages: Int
    }

    /// Members in the subtree of `orgCode` (default: the user's scope) matching `q`: a name fragment, or a number —
    /// a whole ID number, the last four characters of an ID number or phone, a whole phone, a phone's last digits.
    /// A lookup by number is a lookup of a personal number: ID numbers and whole phones only for roles that may
    /// reveal numbers (other roles' four-digit tails search phones only); each is counted against
    /// `lookupsPerHour` for the account (429 beyond) and audited with the value as a keyed hash, never in clear.
    static func search(
        org orgCode: String?, q: String?, page: Int, for user: CurrentUser, cipher: FieldCipher,
        lookupsPerHour: Int = Settings.defaultNumberLookupsPerHour, client: String = "-", on db: Database
    ) async throws -> SearchResult {
        var path = user.scopePath
        if let orgCode, !orgCode.isEmpty {
            let org = try user.require(try await Organization.query(on: db).filter(\.$code == orgCode).first())
            path = org.path
        }
        var query = user.visibleMembers(Member.query(on: db), within: path).filter(\.$rosterState == nil)
        var lookup: RosterQuery?
        if let raw = Normalize.text(q), let parsed = RosterQuery.parse(Normalize.key(raw)) {
            guard let allowed = parsed.allowed(canRevealNumbers: user.can(.revealNumbers)) else {
                throw AppError.invalid([
                    FieldError("q", "按身份证号或完整手机号查找需要“查看完整身份证号和手机号”的权限，请按姓名或手机尾号查找")
                ])
            }
            if allowed.isNumberLookup {
                try await NumberLookups.admit(user, limit: lookupsPerHour, on: db)
                lookup = allowed
            }
            switch allowed {
            case .idNumber(let text): query = query.filter(\.$idNumberHash == cipher.hash(text))
            case .phone(let text): query = query.filter(\.$phoneHash == cipher.hash(text))
            case .tail(let text):
                query = query.group(.or) {
                    $0.filter(\.$idTailHash == cipher.tailHash(text)).filter(\.$phoneTail == text)
                }
            case .phoneTail(let text):
                // ID tails are stored only as a keyed hash of all four; a phone's last digits are in clear.
                query = query.filter(\.$phoneTail, .contains(inverse: false, .suffix), text)
            case .name(let text): query = query.filter(\.$name, .contains(inverse: false, .anywhere), text)
            }
        }
        let total = try await query.count()
        if let lookup {
            try await Audit.record(
                .lookup, "member-search", ref: cipher.hash("lookup|" + lookup.text),
                summary: "按\(lookup.kindLabel)查找花名册（查找值只存键控摘要），\(total)条结果", user: user, client: client,
                on: db)
        }
        let pages = max(1, (total + pageSize - 1) / pageSize)
        let p = min(max(1, page), pages)
        let members = try await query.sort(\.$name).sort(\.$id).range(((p - 1) * pageSize)..<(p * pageSize)).all()
        return SearchResult(members: members, total: total, page: p, pages: pages)
    }

    /// The member's latest flow (open or closed).
    static func latestFlow(of member: Member, on db: Database) async throws -> Flow? {
        try await Flow.query(on: db).filter(\.$memberID == member.requireID()).sort(\.$createdAt, .descending).first()
    }

    /// The branches and general branches a member may be put in by this account (open, regular), by code.
    static func branchesForForm(for user: CurrentUser, on db: Database) async throws -> [Organization] {
        try await user.visibleOrganizations(Organization.query(on: db))
            .filter(\.$kind == .regular).filter(\.$closedAt == nil)
            .group(.or) { $0.filter(\.$level == .branch).filter(\.$level == .generalBranch) }
            .sort(\.$code).all()
    }

    static func timeline(_ member: Member, on db: Database) async throws -> [MemberEvent] {
        try await MemberEvent.query(on: db).filter(\.$memberID == member.id!).sort(\.$at, .descending).sort(
            \.$id, .descending
        ).all()
    }

    /// Decrypts one field for display; the caller audits it.
    static func reveal(_ member: Member, field: String, cipher: FieldCipher) throws -> String {
        switch field {
        case "idNumber": return try cipher.open(member.idNumberEnc)
        case "phone":
            guard let enc = member.phoneEnc else { return "" }
            return try cipher.open(enc)
        default: throw AppError.badRequest("只能查看公民身份号码或手机号码")
        }
    }
}
