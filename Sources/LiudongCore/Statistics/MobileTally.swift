/// What the statistics page needs of one open flow (a mobile member): read once per page as plain rows, counted here.
public struct OpenFlowFacts: Sendable, Equatable {
    public var status: String
    public var destinationCode: String?
    public var reason: Int?
    public var education: String
    /// `YYYY-MM-DD`, compared as text as the roster stores it.
    public var birthDate: String
    public var overdue: Bool
    public var lastContactOn: String
    /// The path of the member's branch.
    public var branchPath: String
    /// Covered (覆盖) by a mobile organization; else by an agreement in force; else neither (the coverage rules).
    public var byMobileOrg: Bool
    public var byAgreement: Bool

    public init(
        status: String, destinationCode: String?, reason: Int?, education: String, birthDate: String, overdue: Bool,
        lastContactOn: String, branchPath: String, byMobileOrg: Bool = false, byAgreement: Bool = false
    ) {
        self.status = status
        self.destinationCode = destinationCode
        self.reason = reason
        self.education = education
        self.birthDate = birthDate
        self.overdue = overdue
        self.lastContactOn = lastContactOn
        self.branchPath = branchPath
        self.byMobileOrg = byMobileOrg
        self.byAgreement = byAgreement && !byMobileOrg
    }
}

/// The statistics page's breakdowns of an organization's mobile members, counted in one pass over their open flows
/// (a county's page ran seven grouped queries over the same flows, each walking every member of the county).
public struct MobileTally: Sendable, Equatable {
    /// Open flows by state (`away`, `arrived`, `lost`).
    public var states: [String: Int] = [:]
    /// Away and past the time to report.
    public var overdue = 0
    /// By destination county code (flows without one are left out).
    public var destinations: [String: Int] = [:]
    /// By outflow reason (its raw value; flows without one are left out).
    public var reasons: [Int: Int] = [:]
    public var educations: [String: Int] = [:]
    /// By age band label; a member older than every band counts in none.
    public var ageBands: [String: Int] = [:]
    /// Contacted on or after the quarter's first day.
    public var contacted = 0
    /// By the path of the child organization of `parentPath` the member's branch is under (members of the parent
    /// itself count in none).
    public var children: [String: Int] = [:]
    /// Coverage by the path of the member's branch.
    public var coverage: [String: Coverage] = [:]
    /// Members covered neither way, by destination county code.
    public var uncovered: [String: Int] = [:]

    public init() {}

    /// Mobile members and how many of them a mobile organization or an agreement covers.
    public struct Coverage: Sendable, Equatable {
        public var mobile = 0
        public var byMobileOrg = 0
        public var byAgreement = 0
        public init(mobile: Int = 0, byMobileOrg: Int = 0, byAgreement: Int = 0) {
            self.mobile = mobile
            self.byMobileOrg = byMobileOrg
            self.byAgreement = byAgreement
        }
    }

    /// An age band: born after `bornAfter` (`YYYY-MM-DD`) and not in an earlier band.
    public struct AgeBand: Sendable {
        public var label: String
        public var bornAfter: String
        public init(label: String, bornAfter: String) {
            self.label = label
            self.bornAfter = bornAfter
        }
    }

    /// Counts `flows` of the subtree at `parentPath`; the bands are tried in order (youngest first).
    public static func count(
        _ flows: [OpenFlowFacts], ageBands bands: [AgeBand], contactSince quarterStart: String, parentPath: String
    ) -> MobileTally {
        var t = MobileTally()
        for f in flows {
            t.states[f.status, default: 0] += 1
            if f.status == "away" && f.overdue { t.overdue += 1 }
            if let d = f.destinationCode { t.destinations[d, default: 0] += 1 }
            if let r = f.reason { t.reasons[r, default: 0] += 1 }
            t.educations[f.education, default: 0] += 1
            if let band = bands.first(where: { f.birthDate > $0.bornAfter }) { t.ageBands[band.label, default: 0] += 1 }
            if f.lastContactOn >= quarterStart { t.contacted += 1 }
            if let child = childPath(of: f.branchPath, under: parentPath) { t.children[child, default: 0] += 1 }
            t.coverage[f.branchPath, default: Coverage()].mobile += 1
            if f.byMobileOrg {
                t.coverage[f.branchPath, default: Coverage()].byMobileOrg += 1
            } else if f.byAgreement {
                t.coverage[f.branchPath, default: Coverage()].byAgreement += 1
            } else if let d = f.destinationCode {
                t.uncovered[d, default: 0] += 1
            }
        }
        return t
    }

    /// The path of the child of `parent` that `path` lies under (`/1/2/` under `/1/` for `/1/2/3/`); nil when `path`
    /// is `parent` itself or not under it.
    public static func childPath(of path: String, under parent: String) -> String? {
        guard path.count > parent.count, path.hasPrefix(parent) else { return nil }
        let rest = path.dropFirst(parent.count)
        guard let slash = rest.firstIndex(of: "/") else { return nil }
        return parent + rest[..<slash] + "/"
    }
}
