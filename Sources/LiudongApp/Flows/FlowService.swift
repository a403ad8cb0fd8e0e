import Fluent
import LiudongCore
import SQLKit
import Vapor

/// Flow look-ups for the organization pages, and the daily sweep that flags overdue arrivals and lost contact.
enum FlowService {
    /// One flow with its member and branch, as lists show it.
    struct Item: Encodable {
        var flowID: String
        var memberID: String
        var name: String
        var branch: String
        var status: String
        var destination: String
        var leftOn: String
        var lastContactOn: String
        var inflowOrg: String?
        var overdueSince: String?
        var lostCandidateSince: String?
    }

    enum List { case mobile, overdue, lostCandidates }

    /// Flows of members in the subtree at `path` (for an inflow organization: those reported to it).
    static func items(_ list: List, under org: Organization, limit: Int = 100, on db: Database) async throws -> (
        items: [Item], total: Int
    ) {
        let rows = try await FlowStore.listPage(
            list, path: org.kind == .regular ? org.path : nil, inflowID: org.id, limit: limit, on: db.sql())
        let items = rows.map { r in
            Item(
                flowID: r.flow_id.uuidString, memberID: r.member_id.uuidString, name: r.name, branch: r.branch,
                status: FlowState(rawValue: r.status)?.label ?? r.status,
                destination: r.destination_code.map { Divisions.shared.fullName($0) } ?? "", leftOn: r.left_on,
                lastContactOn: r.last_contact_on, inflowOrg: r.inflow_name, overdueSince: r.overdue_since,
                lostCandidateSince: r.lost_candidate_since)
        }
        return (items, rows.first?.total ?? 0)
    }

    struct SweepResult: Equatable, Sendable {
        var overdue: Int
        var lostCandidates: Int
    }

    /// Flags flows not yet arrived `arrivalDueDays` after leaving, and open flows with no contact for `lostContactDays`;
    /// each newly flagged member produces a notice to the home branch. Running twice a day flags nothing twice.
    static func sweep(today: CalendarDate, settings: Settings, gate: WriteGate, on db: Database) async throws
        -> SweepResult
    {
        let dueBefore = today.adding(days: -settings.arrivalDueDays).description
        let silentBefore = today.adding(days: -settings.lostContactDays).description
        return try await db.writeTransaction(gate: gate) { tx in
            let overdue = try await Flow.query(on: tx).filter(\.$status == .away).filter(\.$overdueSince == nil)
                .filter(\.$leftOn < dueBefore).all()
                .filter { ReviewRules.arrivalClockStarts(leftOn: $0.leftOn, movedOn: $0.movedOn) < dueBefore }
            let silent = try await Flow.query(on: tx).filter(\.$status ~~ [.away, .arrived]).filter(
                \.$lostCandidateSince == nil
            )
            .filter(\.$lastContactOn < silentBefore).all()
            let memberIDs = Array(Set((overdue + silent).map(\.memberID)))
            var members: [UUID: Member] = [:]
            for chunk in memberIDs.chunked(500) {
                for m in try await Member.query(on: tx).filter(\.$id ~~ Array(chunk)).all() { members[m.id!] = m }
            }
            let orgIDs = Array(Set(members.values.map(\.organizationID)))
            let orgs = Dictionary(
                uniqueKeysWithValues: try await Organization.query(on: tx).filter(\.$id ~~ orgIDs).all().map {
                    ($0.id!, $0)
                })
            for f in overdue {
                f.overdueSince = today.description
                try await f.update(on: tx)
                if let m = members[f.memberID], let org = orgs[m.organizationID] {
                    try await Notice(
                        org: org, kind: .overdue, title: "\(m.name)外出\(settings.arrivalDueDays)天仍未报到（\(f.leftOn)外出）",
                        link: "/orgs/\(org.code)#overdue"
                    ).create(on: tx)
                }
            }
            for f in silent {
                f.lostCandidateSince = today.description
                try await f.update(on: tx)
                if let m = members[f.memberID], let org = orgs[m.organizationID] {
                    try await Notice(
                        org: org, kind: .lost, title: "\(m.name)已超过6个月无联系（最近\(f.lastContactOn)），请核实是否失联",
                        link: "/orgs/\(org.code)#lost"
                    ).create(on: tx)
                    // And by SMS to the branch's secretary, at the organization's phone on record.
                    if let to = Notify.secretary(of: org) {
                        try await Notify.enqueue(
                            .sixMonthAlert, to: to, params: ["name": m.name], link: "/orgs/\(org.code)#lost", on: tx)
                    }
                }
            }
            return SweepResult(overdue: overdue.count, lostCandidates: silent.count)
        }
    }
}
