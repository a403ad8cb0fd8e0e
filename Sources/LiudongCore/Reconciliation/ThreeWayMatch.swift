import Foundation

/// The quarterly three-way reconciliation (对账) as a pure function: our outflow registry, the inflow sides' lists
/// and the national system's export, matched by the keyed hash of the ID number. `ReconcileService` loads an `Input`
/// from the database, `classify` finds every difference, and the service stores them as the discrepancy queue.
public enum ThreeWayMatch {
    /// What a difference is; `matched` counts the people with none.
    public enum Category: String, CaseIterable, Codable, Sendable {
        case matched
        case oursNotInflow, inflowNotOurs, oursNotNationalFlag, nationalFlagNotOurs, oursNotNational, nationalNotOurs
        case fieldConflict, lostDisagreement

        public var label: String {
            switch self {
            case .matched: return "一致"
            case .oursNotInflow: return "我方流出、流入地未报"
            case .inflowNotOurs: return "流入地报到、我方未登记流出"
            case .oursNotNationalFlag: return "我方流出、全国系统未标流动"
            case .nationalFlagNotOurs: return "全国系统标流动、我方未登记"
            case .oursNotNational: return "我方有、全国系统无"
            case .nationalNotOurs: return "全国系统有、我方花名册无"
            case .fieldConflict: return "信息不一致"
            case .lostDisagreement: return "失联认定不一致"
            }
        }

        /// Who acts: the outflow branch, or the inflow organization.
        public var inflowActs: Bool { self == .oursNotInflow }
    }

    /// The national export's record of one of our flowing members.
    public struct NationalFacts: Sendable {
        public var isMobile: Bool
        public var isLost: Bool?
        public var orgID: Int?
        public var branchName: String?
        public var phoneHash: String?
        public var phoneTail: String?

        public init(
            isMobile: Bool, isLost: Bool?, orgID: Int?, branchName: String?, phoneHash: String?, phoneTail: String?
        ) {
            self.isMobile = isMobile
            self.isLost = isLost
            self.orgID = orgID
            self.branchName = branchName
            self.phoneHash = phoneHash
            self.phoneTail = phoneTail
        }
    }

    /// One of our members with an open flow, in scope.
    public struct OurFlow: Sendable {
        public var memberID: UUID
        public var idHash: String
        /// The sealed ID number (opened only for the last four characters of an item found).
        public var idSealed: String
        public var name: String
        public var phoneHash: String?
        public var phoneTail: String?
        public var branchID: Int
        public var branchName: String
        public var branchPath: String
        public var status: String
        public var destinationCode: String?
        public var inflowOrgID: Int?
        public var inflowName: String?
        public var lostCandidateSince: String?
        public var national: NationalFacts?

        public init(
            memberID: UUID, idHash: String, idSealed: String, name: String, phoneHash: String?, phoneTail: String?,
            branchID: Int, branchName: String, branchPath: String, status: String, destinationCode: String?,
            inflowOrgID: Int?, inflowName: String?, lostCandidateSince: String?, national: NationalFacts?
        ) {
            self.memberID = memberID
            self.idHash = idHash
            self.idSealed = idSealed
            self.name = name
            self.phoneHash = phoneHash
            self.phoneTail = phoneTail
            self.branchID = branchID
            self.branchName = branchName
            self.branchPath = branchPath
            self.status = status
            self.destinationCode = destinationCode
            self.inflowOrgID = inflowOrgID
            self.inflowName = inflowName
            self.lostCandidateSince = lostCandidateSince
            self.national = national
        }
    }

    /// A line of an inflow organization's list for the quarter.
    public struct InflowEntry: Sendable {
        public var idHash: String
        public var tailSealed: String?
        public var name: String
        public var orgID: Int
        public var orgCode: String
        public var orgName: String
        public var orgPath: String
        public var phoneHash: String?

        public init(
            idHash: String, tailSealed: String?, name: String, orgID: Int, orgCode: String, orgName: String,
            orgPath: String, phoneHash: String?
        ) {
            self.idHash = idHash
            self.tailSealed = tailSealed
            self.name = name
            self.orgID = orgID
            self.orgCode = orgCode
            self.orgName = orgName
            self.orgPath = orgPath
            self.phoneHash = phoneHash
        }
    }

    /// A member of our roster in scope (for inflow lines that match no open flow).
    public struct RosterMember: Sendable {
        public var memberID: UUID
        public var orgID: Int
        public var path: String
        public var flowStatus: String?

        public init(memberID: UUID, orgID: Int, path: String, flowStatus: String?) {
            self.memberID = memberID
            self.orgID = orgID
            self.path = path
            self.flowStatus = flowStatus
        }
    }

    /// A national record flagged mobile with no open flow here, or of a person not on our roster.
    public struct NationalOnly: Sendable {
        public var idHash: String
        public var idSealed: String
        public var name: String
        public var orgID: Int
        public var path: String
        public var isMobile: Bool
        public var isLost: Bool
        public var memberID: UUID?
        public var flowStatus: String?

        public init(
            idHash: String, idSealed: String, name: String, orgID: Int, path: String, isMobile: Bool, isLost: Bool,
            memberID: UUID?, flowStatus: String?
        ) {
            self.idHash = idHash
            self.idSealed = idSealed
            self.name = name
            self.orgID = orgID
            self.path = path
            self.isMobile = isMobile
            self.isLost = isLost
            self.memberID = memberID
            self.flowStatus = flowStatus
        }
    }

    /// A member not flowing, in a county the national export covers, whom the export does not list.
    public struct AbsentMember: Sendable {
        public var memberID: UUID
        public var idHash: String
        public var idSealed: String
        public var name: String
        public var orgID: Int
        public var path: String
        public var countyID: Int

        public init(
            memberID: UUID, idHash: String, idSealed: String, name: String, orgID: Int, path: String, countyID: Int
        ) {
            self.memberID = memberID
            self.idHash = idHash
            self.idSealed = idSealed
            self.name = name
            self.orgID = orgID
            self.path = path
            self.countyID = countyID
        }
    }

    /// Everything a reconciliation compares.
    public struct Input: Sendable {
        /// Each county's id by its path (items are counted per county).
        public var countyByPath: [String: Int]
        public var ours: [OurFlow]
        public var entries: [InflowEntry]
        /// Inflow organizations that handed in a list this quarter.
        public var submitted: Set<Int>
        /// Paths of the inflow organizations our flows report to (the assignee of 我方流出、流入地未报).
        public var inflowOrgPaths: [Int: String]
        /// Counties the national export covers: only there is “absent from the national export” meaningful.
        public var coveredCounties: Set<Int>
        /// Our roster by ID hash, for the inflow lines that match no open flow (see `unmatchedHashes`).
        public var roster: [String: RosterMember]
        public var nationalOnly: [NationalOnly]
        public var absent: [AbsentMember]
        public var scopePath: String

        public init(
            scopePath: String, countyByPath: [String: Int], ours: [OurFlow], entries: [InflowEntry],
            submitted: Set<Int>, inflowOrgPaths: [Int: String], coveredCounties: Set<Int>,
            roster: [String: RosterMember], nationalOnly: [NationalOnly], absent: [AbsentMember]
        ) {
            self.scopePath = scopePath
            self.countyByPath = countyByPath
            self.ours = ours
            self.entries = entries
            self.submitted = submitted
            self.inflowOrgPaths = inflowOrgPaths
            self.coveredCounties = coveredCounties
            self.roster = roster
            self.nationalOnly = nationalOnly
            self.absent = absent
        }
    }

    /// Where an item's last four ID characters come from; opened only for the items found.
    public enum TailSource: Sendable, Equatable {
        case idNumber(sealed: String)
        case tail(sealed: String?)
    }

    /// One difference, with where it goes.
    public struct Finding: Sendable {
        public var category: Category
        public var tail: TailSource
        public var name: String
        public var ours: [String: String]
        public var inflow: [String: String]
        public var national: [String: String]
        public var idHash: String
        public var memberID: UUID?
        public var countyID: Int?
        public var inflowOrgID: Int?
        public var assigneeID: Int
        public var assigneePath: String
    }

    public struct Outcome: Sendable {
        /// People per category (every category present, `matched` included).
        public var counts: [String: Int]
        public var findings: [Finding]
    }

    /// The county a path lies in (its first ancestor that is a county).
    public static func county(of path: String, in countyByPath: [String: Int]) -> Int? {
        var prefix = "/"
        for part in path.split(separator: "/") {
            prefix += part + "/"
            if let county = countyByPath[prefix] { return county }
        }
        return nil
    }

    /// The ID hashes of inflow lines that match none of our open flows (whose roster entries `Input.roster` needs).
    public static func unmatchedHashes(entries: [InflowEntry], ours: [OurFlow]) -> [String] {
        let seen = Set(ours.map(\.idHash))
        var result: [String] = []
        var added = Set<String>()
        for entry in entries where !seen.contains(entry.idHash) && added.insert(entry.idHash).inserted {
            result.append(entry.idHash)
        }
        return result
    }

    /// Every difference, in a stable order: our flows, then inflow lines, then national records, then absentees.
    public static func classify(_ input: Input) -> Outcome {
        var classifier = Classifier(input: input)
        classifier.compareOurs()
        classifier.compareInflowLines()
        classifier.compareNationalSide()
        return Outcome(counts: classifier.counts, findings: classifier.findings)
    }
}
