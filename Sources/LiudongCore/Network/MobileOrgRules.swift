import Foundation

/// A founding record (组建备案) as checked, ready to store.
public struct MobileOrgRecordDraft: Equatable, Sendable {
    public var approvedBy: String
    public var documentNo: String
    public var approvedOn: String
    public var address: String
    public var contacts: String
    public var participants: String?
    public var endsOn: String?
}

/// A member of a county, uncovered, at a destination (the facts behind a temporary-organization suggestion).
public struct UncoveredMember: Sendable {
    public var id: UUID
    /// The path of the member's branch.
    public var path: String
    public var destination: String?

    public init(id: UUID, path: String, destination: String?) {
        self.id = id
        self.path = path
        self.destination = destination
    }
}

/// An open mobile organization as the suggestion rule sees it: where it sits and where it is.
public struct MobileOrgPlace: Sendable {
    public var path: String
    public var pathIDs: [Int]
    public var division: String

    public init(path: String, pathIDs: [Int], division: String) {
        self.path = path
        self.pathIDs = pathIDs
        self.division = division
    }
}

/// The rules of mobile party organizations (流动党员党组织): what a founding record needs, who may join, and the
/// rule that three or more uncovered full members of one county at one destination should form a temporary one.
public enum MobileOrgRules {
    /// The figure the city reported (the seed: "全市共成立流动党员党组织81个").
    public static let cityReportedCount = 81
    public static let suggestionThreshold = 3

    /// A founding record: who approved it, the document, the day (not after today), the address and contacts; a
    /// joint organization names its participants, a temporary one the day it ends (after the approval).
    public static func record(
        approvedBy: String?, documentNo: String?, approvedOn: String?, address: String?, contacts: String?,
        participants: String?, endsOn: String?, basis: MobileBasis?, today: CalendarDate
    ) -> Result<MobileOrgRecordDraft, RuleError> {
        var problems: [RuleProblem] = []
        func text(_ v: String?, _ field: String, _ message: String, max: Int) -> String {
            guard let t = Normalize.text(v), t.count <= max else {
                problems.append(RuleProblem(field, message))
                return ""
            }
            return t
        }
        let by = text(approvedBy, "approvedBy", "请填写批准成立的党组织（100字以内）", max: 100)
        let doc = text(documentNo, "documentNo", "请填写批复文号（60字以内）", max: 60)
        let at = text(address, "address", "请填写活动地址（200字以内）", max: 200)
        let who = text(contacts, "contacts", "请填写书记及联系人、电话（200字以内）", max: 200)
        let approved = Normalize.text(approvedOn).flatMap { CalendarDate($0) }
        if let d = approved {
            if d > today { problems.append(RuleProblem("approvedOn", "批准日期不能晚于今天")) }
        } else {
            problems.append(RuleProblem("approvedOn", "请填写批准日期，格式如 2026-01-31"))
        }
        let joint = Normalize.text(participants)
        if basis == .joint, joint == nil {
            problems.append(RuleProblem("participants", "联合党组织请填写参加联建的单位或企业，每行一个"))
        }
        if (joint?.count ?? 0) > 2000 { problems.append(RuleProblem("participants", "联建单位不超过2000字")) }
        var ends: String?
        if basis == .temporary {
            if let e = Normalize.text(endsOn).flatMap({ CalendarDate($0) }) {
                if let a = approved, e <= a { problems.append(RuleProblem("endsOn", "临时党组织的终止日期应晚于批准日期")) }
                ends = Normalize.text(endsOn)
            } else {
                problems.append(RuleProblem("endsOn", "临时党组织请填写预计终止日期，格式如 2027-06-30"))
            }
        }
        guard problems.isEmpty, let approvedText = Normalize.text(approvedOn) else {
            return .failure(.invalid(problems))
        }
        return .success(
            MobileOrgRecordDraft(
                approvedBy: by, documentNo: doc, approvedOn: approvedText, address: at, contacts: who,
                participants: joint, endsOn: ends))
    }

    /// Why a member may not join (nil: may): a mobile member with an open flow, in no other mobile organization.
    public static func joinRefusal(name: String, flowOpen: Bool, inAnother: Bool) -> String? {
        if !flowOpen { return "\(name)：没有进行中的流动" }
        if inAnother { return "\(name)：已参加其他流动党员党组织" }
        return nil
    }

    /// Where a temporary organization stands against the end day of its founding record.
    public enum Expiry: Equatable, Sendable {
        /// No end day, or more than `noticeDays` away.
        case running
        /// Ends within `noticeDays` (the county is told once).
        case endingSoon(on: CalendarDate)
        /// The end day has passed: it closes itself.
        case ended(on: CalendarDate)
    }

    /// Days before a temporary organization's end that its county is told.
    public static let expiryNoticeDays = 30

    public static func expiry(endsOn: String?, today: CalendarDate) -> Expiry {
        guard let end = endsOn.flatMap({ CalendarDate($0) }) else { return .running }
        if end < today { return .ended(on: end) }
        if today >= end.adding(days: -expiryNoticeDays) { return .endingSoon(on: end) }
        return .running
    }

    /// Dissolving: not yet closed, with a reason of at most 500 characters.
    public static func dissolve(closed: Bool, reason: String?) -> Result<String, RuleError> {
        guard let reason = Normalize.text(reason), reason.count <= 500 else {
            return .failure(.field("reason", "请填写撤销原因（500字以内）"))
        }
        guard !closed else { return .failure(.conflict("该组织已撤销")) }
        return .success(reason)
    }

    /// A suggested temporary organization: a county, a destination and the members it would gather.
    public struct Group: Equatable, Sendable {
        public var county: Int
        public var destination: String
        public var members: [UUID]
    }

    /// Groups of three or more uncovered members of one county at one destination county where no open mobile
    /// organization of that county (or of an organization above it) sits; largest first. `counties`: each county's
    /// index in the caller's list and its path.
    public static func suggestions(
        _ uncovered: [UncoveredMember], counties: [(index: Int, path: String)], mobile: [MobileOrgPlace]
    ) -> [Group] {
        var groups: [String: [UUID]] = [:]
        var countyOf: [String: (index: Int, path: String)] = [:]
        for r in uncovered {
            guard let dest = r.destination, let county = counties.first(where: { r.path.hasPrefix($0.path) })
            else { continue }
            let key = "\(county.index)|" + dest
            groups[key, default: []].append(r.id)
            countyOf[key] = county
        }
        var out: [Group] = []
        for (key, ids) in groups where ids.count >= suggestionThreshold {
            guard let county = countyOf[key] else { continue }
            let dest = String(key.split(separator: "|").last ?? "")
            let served = mobile.contains { m in
                guard m.division == dest else { return false }
                let parentPath = m.pathIDs.dropLast().map(String.init).joined(separator: "/")
                return m.path.hasPrefix(county.path) || county.path.hasPrefix("/" + parentPath + "/")
            }
            if !served { out.append(Group(county: county.index, destination: dest, members: ids)) }
        }
        return out
    }
}
