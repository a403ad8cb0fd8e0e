import Fluent
import LiudongCore
import Vapor

/// Mobile party organizations' founding records, the members taking part, dissolution, and the temporary
/// organizations the suggestion rule asks for. Each action checks with `MobileOrgRules`, stores, and writes the
/// audit line.
enum MobileOrgActions {
    struct RecordInput: Content, Sendable {
        var approvedBy: String?
        var documentNo: String?
        var approvedOn: String?
        var address: String?
        var contacts: String?
        var participants: String?
        var endsOn: String?
    }

    static func check(_ f: RecordInput, basis: MobileBasis?, today: CalendarDate) -> Result<
        MobileOrgRecordDraft, RuleError
    > {
        MobileOrgRules.record(
            approvedBy: f.approvedBy, documentNo: f.documentNo, approvedOn: f.approvedOn, address: f.address,
            contacts: f.contacts, participants: f.participants, endsOn: f.endsOn, basis: basis, today: today)
    }

    /// Saves the founding record (组建备案). `audited: false` when part of a larger act that writes its own line.
    @discardableResult
    static func saveRecord(_ f: RecordInput, for org: Organization, as a: Acting, audited: Bool = true) async throws
        -> MobileOrgRecord
    {
        let user = try a.staffUser()
        guard user.can(.editOrganizations), org.kind == .mobile else { throw AppError.forbidden }
        let draft = try check(f, basis: org.basis, today: a.today).orThrow()
        let r = try await MobileOrgStore.record(org.id, on: a.db) ?? MobileOrgRecord()
        r.id = org.id
        r.approvedBy = draft.approvedBy
        r.documentNo = draft.documentNo
        r.approvedOn = draft.approvedOn
        r.address = draft.address
        r.contacts = draft.contacts
        r.participants = draft.participants
        r.endsOn = org.basis == .temporary ? draft.endsOn : nil
        r.recordedBy = user.username
        try await r.save(on: a.db)
        if audited {
            try await a.audit(.update, "organization", ref: org.code, summary: "登记“\(org.shortName)”组建备案")
        }
        return r
    }

    /// Members join (take part in) the organization: each must be a mobile member of its parent's subtree and in no
    /// other mobile organization. Returns how many joined and the names refused with the reason.
    static func join(_ memberIDs: [UUID], org: Organization, as a: Acting, audited: Bool = true) async throws -> (
        joined: Int, refused: [String]
    ) {
        let user = try a.staffUser()
        guard user.can(.manageAgreements), org.kind == .mobile, !org.isClosed else { throw AppError.forbidden }
        guard let parentID = org.parentID,
            let parent = try await OrgTree.byID([parentID], on: a.db)[parentID]
        else { throw AppError.notFound }
        var joined = 0
        var refused: [String] = []
        for id in memberIDs.prefix(2000) {
            guard let m = try await MobileOrgStore.visibleMember(id, under: parent.path, for: user, on: a.db) else {
                refused.append("\(id.uuidString.prefix(8))…：不在\(parent.shortName)之下或不在您的管理范围内")
                continue
            }
            let open = m.flowStatus.flatMap(FlowState.init(rawValue:))?.isOpen == true
            let another = open ? try await MobileOrgStore.active(of: id, on: a.db) != nil : false
            if let no = MobileOrgRules.joinRefusal(name: m.name, flowOpen: open, inAnother: another) {
                refused.append(no)
                continue
            }
            try await MobileOrgMembership(
                orgID: org.id!, memberID: id, joinedOn: a.today.description, by: user.username
            )
            .create(on: a.db)
            joined += 1
        }
        if audited {
            try await a.audit(.update, "organization", ref: org.code, summary: "\(joined)名流动党员参加“\(org.shortName)”组织生活")
        }
        return (joined, refused)
    }

    static func leave(_ membership: MobileOrgMembership, org: Organization, reason: String, as a: Acting) async throws {
        membership.leftOn = a.today.description
        membership.leftReason = reason
        try await membership.update(on: a.db)
        try await a.audit(.update, "organization", ref: org.code, summary: "一名党员退出“\(org.shortName)”")
    }

    /// Dissolves a mobile organization: every membership ends, the organization closes, the record keeps why.
    static func dissolve(_ org: Organization, reason: String?, as a: Acting) async throws {
        let user = try a.staffUser()
        guard user.can(.editOrganizations), org.kind == .mobile else { throw AppError.forbidden }
        let reason = try MobileOrgRules.dissolve(closed: org.isClosed, reason: reason).orThrow()
        try await MobileOrgStore.dissolve(org, reason: reason, by: user.username, today: a.today, on: a.db)
        try await a.audit(.update, "organization", ref: org.code, summary: "撤销“\(org.shortName)”：\(reason)")
    }

    /// Temporary organizations past their end day close (as a dissolution, by the system); those ending within
    /// 30 days have their parent organization told once. Answers how many were told and closed.
    static func expire(today: CalendarDate, app: Application) async throws -> (told: Int, closed: Int) {
        var told = 0
        var closed = 0
        for (org, record) in try await MobileOrgStore.openTemporary(on: app.db) {
            switch MobileOrgRules.expiry(endsOn: record.endsOn, today: today) {
            case .running: continue
            case .ended(let end):
                let reason = "临时党组织已于\(end.chinese)到期，自动撤销"
                try await MobileOrgStore.dissolve(org, reason: reason, by: "sweep", today: today, on: app.db)
                try await Acting.system("sweep", today: today, on: app.db).audit(
                    .update, "organization", ref: org.code, summary: "撤销“\(org.shortName)”：\(reason)")
                closed += 1
            case .endingSoon(let end):
                guard let parentID = org.parentID,
                    let parent = try await OrgTree.byID([parentID], on: app.db)[parentID]
                else { continue }
                let title = "\(org.shortName)将于\(end.chinese)到期"
                guard try await !MobileOrgStore.told(org: parentID, title: title, on: app.db) else { continue }
                try await Notice(
                    org: parent, kind: .organization,
                    title: "\(title)，到期后自动撤销；如需延续，请在组建备案中修改预计终止日期",
                    link: "/mobile-orgs/\(org.code)"
                ).create(on: app.db)
                told += 1
            }
        }
        if closed > 0 { app.orgDirectory.invalidate() }
        return (told, closed)
    }

    // MARK: - Suggestions

    struct Suggestion: Content, Equatable {
        var countyID: Int
        var countyCode: String
        var countyName: String
        var destinationCode: String
        var destinationName: String
        var members: Int
        var memberIds: [UUID]
    }

    /// Three or more uncovered full members of one county at one destination county, where no open mobile
    /// organization of that county (or of the city above it) sits: "建议成立临时党支部".
    static func suggestions(under org: Organization, on db: Database, today: CalendarDate = AppClock.today) async throws
        -> [Suggestion]
    {
        try await suggestions(under: org.path, on: db, today: today)
    }

    /// The suggestions of every county under `path` ("/": the whole tree, as the roll-up counts them per county).
    static func suggestions(under path: String, on db: Database, today: CalendarDate) async throws -> [Suggestion] {
        let uncovered = try await MobileOrgStore.uncoveredFullMembers(under: path, today: today, on: db)
        // Plain rows, not models: every county home page asks (decoding 285 models was a third of its time).
        let counties = try await MobileOrgStore.countyPlaces(on: db.sql())
        let mobile = try await MobileOrgStore.openMobilePlaces(on: db.sql()).map {
            MobileOrgPlace(path: $0.path, pathIDs: SubtreeSums.ids(onPath: $0.path), division: $0.division_code)
        }
        return MobileOrgRules.suggestions(
            uncovered, counties: counties.enumerated().map { ($0.offset, $0.element.path) }, mobile: mobile
        ).map { g in
            let county = counties[g.county]
            return Suggestion(
                countyID: county.id, countyCode: county.code, countyName: county.short_name,
                destinationCode: g.destination,
                destinationName: Divisions.shared.fullName(g.destination), members: g.members.count,
                memberIds: g.members)
        }.sorted {
            ($0.members, $1.countyCode, $1.destinationCode) > ($1.members, $0.countyCode, $0.destinationCode)
        }
    }

    /// Founds the temporary organization a suggestion asks for under its county, with its founding record and the
    /// suggested members taking part.
    static func createTemporary(
        _ orgForm: OrganizationForm, record: RecordInput, documentNo: String?, county: Organization,
        suggestion s: Suggestion, app: Application, as a: Acting
    ) async throws -> (Organization, Int) {
        let user = try a.staffUser()
        var problems: [FieldError] = []
        if case .invalid(let p)? = check(record, basis: .temporary, today: a.today).error {
            problems = p.map { FieldError($0.field, $0.message) }
        }
        problems += OrganizationService.validate(orgForm, kind: .mobile)
        guard problems.isEmpty else { throw AppError.invalid(problems) }
        let org = try await OrganizationService.create(orgForm, parent: county, by: user, on: a.db)
        app.orgDirectory.invalidate()
        try await saveRecord(record, for: org, as: a, audited: false)
        let (joined, _) = try await join(s.memberIds, org: org, as: a, audited: false)
        try await a.audit(
            .create, "organization", ref: org.code,
            summary: "按建议成立临时党支部“\(org.name)”（\(documentNo ?? "")），\(joined)名党员参加组织生活")
        return (org, joined)
    }
}
