import Foundation

extension ThreeWayMatch {
    /// Walks the input once, side by side, collecting findings (one per person and category).
    struct Classifier {
        let input: Input
        var counts: [String: Int] = Dictionary(uniqueKeysWithValues: Category.allCases.map { ($0.rawValue, 0) })
        var findings: [Finding] = []
        private var keys = Set<String>()
        private let entriesByHash: [String: [InflowEntry]]

        init(input: Input) {
            self.input = input
            var byHash: [String: [InflowEntry]] = [:]
            for entry in input.entries { byHash[entry.idHash, default: []].append(entry) }
            entriesByHash = byHash
        }

        private func county(of path: String) -> Int? { ThreeWayMatch.county(of: path, in: input.countyByPath) }

        private static func stateLabel(_ status: String) -> String { FlowState(rawValue: status)?.label ?? status }

        private static func yes(_ flag: Bool?) -> String { flag == true ? "是" : "否" }

        /// Records a finding unless this person already has one of the category.
        private mutating func add(
            _ category: Category, hash: String, tail: TailSource, name: String,
            ours: [String: String] = [:], inflow: [String: String] = [:],
            national: [String: String] = [:], member: UUID? = nil, county: Int?, inflowOrg: Int?,
            assignee: Int, path: String
        ) {
            guard keys.insert(category.rawValue + hash).inserted else { return }
            counts[category.rawValue, default: 0] += 1
            findings.append(
                Finding(
                    category: category, tail: tail, name: name, ours: ours, inflow: inflow,
                    national: national, idHash: hash, memberID: member, countyID: county,
                    inflowOrgID: inflowOrg, assigneeID: assignee, assigneePath: path))
        }

        /// Each of our open flows against the inflow lists and the national export.
        mutating func compareOurs() {
            for flow in input.ours { compare(flow) }
        }

        private mutating func compare(_ o: OurFlow) {
            let countyID = county(of: o.branchPath)
            let lost = o.status == FlowState.lost.rawValue
            let tail = TailSource.idNumber(sealed: o.idSealed)
            var oursFields: [String: String] = [
                "branch": o.branchName, "status": Self.stateLabel(o.status),
                "destination": o.destinationCode.map(Divisions.shared.fullName) ?? "",
                "inflowOrg": o.inflowName ?? "", "phoneTail": o.phoneTail ?? "", "lost": lost ? "是" : "否",
            ]
            if o.lostCandidateSince != nil { oursFields["lostCandidate"] = "是" }
            var inflowFields: [String: String] = [:]
            var nationalFields: [String: String] = [:]
            var conflicts: [String] = []
            var problem = false
            let listed = entriesByHash[o.idHash] ?? []
            if let first = listed.first { inflowFields = ["org": first.orgName, "name": first.name] }
            // Inflow side.
            if let inflowOrg = o.inflowOrgID {
                if let entry = listed.first(where: { $0.orgID == inflowOrg }) {
                    if let ours = o.phoneHash, let theirs = entry.phoneHash, ours != theirs {
                        conflicts.append("phone")
                    }
                    if lost { conflicts.append("status") }
                } else if let other = listed.first {
                    // The organization shown is the one “accept” takes.
                    inflowFields["org"] = other.orgName
                    inflowFields["orgCode"] = other.orgCode
                    conflicts.append("inflowOrg")
                } else if input.submitted.contains(inflowOrg) {
                    add(
                        .oursNotInflow, hash: o.idHash, tail: tail, name: o.name, ours: oursFields, member: o.memberID,
                        county: countyID, inflowOrg: inflowOrg, assignee: inflowOrg,
                        path: input.inflowOrgPaths[inflowOrg] ?? "/")
                    problem = true
                }
            } else if let other = listed.first {
                inflowFields["org"] = other.orgName
                inflowFields["orgCode"] = other.orgCode
                conflicts.append("inflowOrg")
            }
            // National side (only where the national export for this quarter covers the county).
            if let countyID, input.coveredCounties.contains(countyID) {
                if let n = o.national {
                    nationalFields = [
                        "mobile": Self.yes(n.isMobile), "lost": Self.yes(n.isLost),
                        "branch": n.branchName ?? "", "phoneTail": n.phoneTail ?? "",
                    ]
                    if !n.isMobile {
                        add(
                            .oursNotNationalFlag, hash: o.idHash, tail: tail, name: o.name, ours: oursFields,
                            national: nationalFields, member: o.memberID, county: countyID, inflowOrg: o.inflowOrgID,
                            assignee: o.branchID, path: o.branchPath)
                        problem = true
                    }
                    if (n.isLost ?? false) != lost {
                        add(
                            .lostDisagreement, hash: o.idHash, tail: tail, name: o.name, ours: oursFields,
                            national: nationalFields, member: o.memberID, county: countyID, inflowOrg: o.inflowOrgID,
                            assignee: o.branchID, path: o.branchPath)
                        problem = true
                    }
                    if let org = n.orgID, org != o.branchID { conflicts.append("branch") }
                    if let ours = o.phoneHash, let theirs = n.phoneHash, ours != theirs, !conflicts.contains("phone") {
                        conflicts.append("phone")
                    }
                } else {
                    add(
                        .oursNotNational, hash: o.idHash, tail: tail, name: o.name, ours: oursFields,
                        member: o.memberID,
                        county: countyID, inflowOrg: o.inflowOrgID, assignee: o.branchID, path: o.branchPath)
                    problem = true
                }
            }
            if !conflicts.isEmpty {
                var fields = oursFields
                fields["conflicts"] = conflicts.joined(separator: ",")
                add(
                    .fieldConflict, hash: o.idHash, tail: tail, name: o.name, ours: fields, inflow: inflowFields,
                    national: nationalFields, member: o.memberID, county: countyID, inflowOrg: o.inflowOrgID,
                    assignee: o.branchID, path: o.branchPath)
                problem = true
            }
            if !problem { counts[Category.matched.rawValue, default: 0] += 1 }
        }

        /// Reported by an inflow side but not flowing in ours: members of our roster in scope, or strangers at our own
        /// mobile organizations.
        mutating func compareInflowLines() {
            let seen = Set(input.ours.map(\.idHash))
            for entry in input.entries where !seen.contains(entry.idHash) {
                let tail = TailSource.tail(sealed: entry.tailSealed)
                let inflowFields = ["org": entry.orgName, "name": entry.name]
                if let member = input.roster[entry.idHash] {
                    add(
                        .inflowNotOurs, hash: entry.idHash, tail: tail, name: entry.name,
                        ours: ["status": member.flowStatus.map(Self.stateLabel) ?? "未流出"], inflow: inflowFields,
                        member: member.memberID, county: county(of: member.path), inflowOrg: entry.orgID,
                        assignee: member.orgID, path: member.path)
                } else if entry.orgPath.hasPrefix(input.scopePath) {
                    add(
                        .inflowNotOurs, hash: entry.idHash, tail: tail, name: entry.name, ours: ["status": "不在花名册"],
                        inflow: inflowFields, county: county(of: entry.orgPath), inflowOrg: entry.orgID,
                        assignee: entry.orgID, path: entry.orgPath)
                }
            }
        }

        /// The national side: flagged mobile without an open flow here; present there but not on our roster; on our
        /// roster but absent there.
        mutating func compareNationalSide() {
            for n in input.nationalOnly {
                let fields = ["mobile": Self.yes(n.isMobile), "lost": Self.yes(n.isLost)]
                let tail = TailSource.idNumber(sealed: n.idSealed)
                if n.memberID == nil {
                    add(
                        .nationalNotOurs, hash: n.idHash, tail: tail, name: n.name, national: fields,
                        county: county(of: n.path), inflowOrg: nil, assignee: n.orgID, path: n.path)
                } else {
                    add(
                        .nationalFlagNotOurs, hash: n.idHash, tail: tail, name: n.name,
                        ours: ["status": n.flowStatus.map(Self.stateLabel) ?? "未流出"], national: fields,
                        member: n.memberID, county: county(of: n.path), inflowOrg: nil, assignee: n.orgID, path: n.path)
                }
            }
            for a in input.absent {
                add(
                    .oursNotNational, hash: a.idHash, tail: .idNumber(sealed: a.idSealed), name: a.name,
                    ours: ["status": "未流出"], member: a.memberID, county: a.countyID, inflowOrg: nil,
                    assignee: a.orgID, path: a.path)
            }
        }
    }
}
