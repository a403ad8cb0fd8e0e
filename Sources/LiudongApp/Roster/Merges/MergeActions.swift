import Fluent
import Foundation
import LiudongCore

/// Merging two roster entries of one person (`MergeRules`), audited and reversible for 30 days: the kept entry gets
/// the dropped one's flows, reports, contacts, pairings, points, requests, archive lines and the rest; a second open
/// flow or pairing of the same side ends first; the dropped entry leaves the roster as 已合并.
enum MergeActions {
    static func merge(keep k: Member, drop d: Member, reason raw: String?, as a: Acting) async throws -> MemberMerge {
        let user = try a.staffUser()
        guard user.scopeLevel == .county || user.scopeLevel == .city else {
            throw AppError.conflict("合并重复登记由旗县区委组织部办理")
        }
        guard k.id != d.id, k.rosterState == nil, d.rosterState == nil else {
            throw AppError.conflict("请选择两条都在花名册上的不同登记")
        }
        let reason = try MergeRules.reason(raw).orThrow()
        let keep = try k.requireID()
        let drop = try d.requireID()
        let g = MemberMerge()
        try await a.db.transaction { tx in
            // One open flow and one open pairing per side: the dropped entry's end first when the kept one has them.
            if try await !FlowStore.open(of: keep, on: tx).isEmpty {
                for f in try await FlowStore.open(of: drop, on: tx) {
                    f.status = .ended
                    f.returnedOn = a.today.description
                    try await f.update(on: tx)
                }
            }
            for side in PairingSide.allCases {
                if try await PairingStore.open(of: keep, side: side, on: tx) != nil {
                    try await PairingActions.endAll(
                        of: drop, side: side, reason: "重复登记合并，保留另一条登记的结对", on: tx, today: a.today)
                }
            }
            var moved: [String: [String]] = [:]
            for (table, unique) in MergeRules.tables {
                let ids = try await MergeStore.move(table, uniqueWith: unique, from: drop, to: keep, on: tx)
                if !ids.isEmpty { moved[table] = ids }
            }
            try await OrgLifeStore.refreshLast([keep, drop], on: tx)
            if let open = try await FlowStore.open(of: keep, on: tx).first { k.flowStatus = open.status.rawValue }
            try await k.update(on: tx)
            d.rosterState = RosterState.merged.rawValue
            d.flowStatus = nil
            try await d.update(on: tx)
            g.keptID = keep
            g.droppedID = drop
            g.keptHash = k.idNumberHash
            g.droppedHash = d.idNumberHash
            g.reason = reason
            g.mergedOn = a.today.description
            g.mergedBy = a.name
            g.moved = String(decoding: try JSONEncoder().encode(moved), as: UTF8.self)
            try await g.create(on: tx)
            let rows = moved.values.map(\.count).reduce(0, +)
            try await MemberEvent.record(
                keep, kind: .updated, summary: "合并重复登记（\(d.name)，另一号码的记录\(rows)条并入）：\(reason)", by: a.name,
                on: tx)
            try await MemberEvent.record(
                drop, kind: .updated, summary: "重复登记，已并入另一条登记：\(reason)", by: a.name, on: tx)
            try await a.on(tx).audit(
                .update, "member-merge", ref: keep.uuidString, summary: "合并重复登记：\(k.name)，并入记录\(rows)条")
        }
        return g
    }

    /// Undone within 30 days by the county: every moved row goes back, the dropped entry is on the roster again (a
    /// flow or pairing ended for the merge stays ended).
    static func undo(_ g: MemberMerge, as a: Acting) async throws {
        let user = try a.staffUser()
        guard user.scopeLevel == .county || user.scopeLevel == .city else {
            throw AppError.conflict("撤销合并由旗县区委组织部办理")
        }
        guard g.undoneOn == nil, let on = CalendarDate(g.mergedOn), MergeRules.canUndo(mergedOn: on, today: a.today)
        else { throw AppError.conflict("合并满30天（或已撤销）后不能撤销") }
        guard let d = try await Member.find(g.droppedID, on: a.db), let k = try await Member.find(g.keptID, on: a.db)
        else { throw AppError.notFound }
        try await a.db.transaction { tx in
            let sql = try tx.sql()
            for (table, ids) in g.movedRows where MergeRules.tables.contains(where: { $0.table == table }) {
                try await MergeStore.setMember(table, ids: ids, to: g.droppedID, on: sql)
            }
            try await OrgLifeStore.refreshLast([g.keptID, g.droppedID], on: tx)
            d.rosterState = nil
            d.flowStatus = try await FlowStore.open(of: g.droppedID, on: tx).first?.status.rawValue
            try await d.update(on: tx)
            k.flowStatus = try await FlowStore.open(of: g.keptID, on: tx).first?.status.rawValue
            try await k.update(on: tx)
            g.undoneOn = a.today.description
            g.undoneBy = a.name
            try await g.update(on: tx)
            for id in [g.keptID, g.droppedID] {
                try await MemberEvent.record(id, kind: .updated, summary: "撤销重复登记合并", by: a.name, on: tx)
            }
            try await a.on(tx).audit(.update, "member-merge", ref: g.id!.uuidString, summary: "撤销合并：\(k.name)")
        }
    }
}
