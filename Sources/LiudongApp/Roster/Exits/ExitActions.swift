import Fluent
import Foundation
import LiudongCore

/// Members leaving the roster (党员减少) and coming back (`ExitRules`), audited: an exit recorded by the deciding
/// organization (转出 comes from an archived transfer), a mistake undone by the county, 停止党籍 restored by the
/// committee within the county's period. The member keeps the whole history and archive; off the roster, the member
/// leaves every current figure and list.
enum ExitActions {
    /// Kinds a branch may record itself; the others are decided by a committee or above.
    static let branchKinds: Set<ExitKind> = [.death, .other]

    /// Takes the member off the roster: the exit's line, the open flow closed, pairings ended, certificates revoked.
    static func record(
        _ m: Member, kind: ExitKind, on day: CalendarDate, org: Int, reason: String, transfer: UUID?, by name: String,
        on db: Database
    ) async throws {
        let e = MemberExit()
        e.memberID = try m.requireID()
        e.kind = kind
        e.onDay = day.description
        e.orgID = org
        e.reason = reason
        e.transferID = transfer
        e.recordedBy = name
        try await e.create(on: db)
        let why = "党员减少（\(kind.label)）"
        if let flow = try await FlowStore.open(of: m.requireID(), on: db).first {
            flow.status = .ended
            flow.returnedOn = day.description
            try await flow.update(on: db)
        }
        try await PairingActions.endAll(of: m.requireID(), reason: why, on: db, today: day)
        try await CertificateService.revokeAll(of: m.requireID(), reason: why, on: db, today: day)
        m.rosterState = RosterState.exited.rawValue
        m.exitedOn = day.description
        if let s = m.flowStatus, FlowState(rawValue: s)?.isOpen == true { m.flowStatus = FlowState.ended.rawValue }
        if kind == .transferOut { m.flowStatus = m.flowStatus == nil ? nil : FlowState.transferred.rawValue }
        try await m.update(on: db)
        try await MemberEvent.record(
            m.requireID(), kind: .exit, summary: "\(day)\(kind.label)：\(reason)", by: name, on: db)
        if kind != .transferOut {  // a transfer out has its own lines
            try await NationalTodoActions.add(m, .exit, "\(kind.label)（\(day)）", expect: .absent, today: day, on: db)
        }
    }

    /// An exit recorded by staff: 死亡 and 其他出党 by the branch or above, the others by a committee or above.
    static func exit(_ m: Member, kind: String?, on day: String?, reason: String?, as a: Acting) async throws {
        let user = try a.staffUser()
        guard m.rosterState == nil else { throw AppError.conflict("该党员不在花名册上") }
        let checked = try ExitRules.exit(kind: kind, on: day, reason: reason, today: a.today).orThrow()
        guard branchKinds.contains(checked.kind) || user.scopeLevel != .branch else {
            throw AppError.conflict("\(checked.kind.label)由基层党委（或以上）决定并登记")
        }
        guard try await TransferStore.open(of: m.requireID(), on: a.db) == nil else {
            throw AppError.conflict("该党员有进行中的组织关系转接，请先办结或撤销")
        }
        try await a.db.transaction { tx in
            try await record(
                m, kind: checked.kind, on: checked.day, org: user.scopeID, reason: checked.reason, transfer: nil,
                by: a.name, on: tx)
            try await a.on(tx).audit(
                .update, "member-exit", ref: m.id!.uuidString, summary: "党员减少：\(m.name)，\(checked.kind.label)")
        }
    }

    /// A mistake undone by the county (or the city), with a reason: the member is back on the roster (a closed flow
    /// stays closed; a new leaving report opens another).
    static func undo(_ e: MemberExit, member m: Member, reason: String?, as a: Acting) async throws {
        let user = try a.staffUser()
        guard user.scopeLevel == .county || user.scopeLevel == .city else {
            throw AppError.conflict("党员减少的更正由旗县区委组织部办理")
        }
        guard e.inForce else { throw AppError.conflict("该记录已更正或已恢复") }
        guard e.kind != .transferOut else { throw AppError.conflict("转出由组织关系转接办结，不能在此更正") }
        let why = try TransferRules.reason(reason, what: "更正原因").orThrow()
        e.undoneOn = a.today.description
        e.undoReason = why
        e.closedBy = a.name
        try await back(e, member: m, summary: "更正党员减少（\(e.kind.label)）：\(why)", as: a)
    }

    /// 停止党籍 restored (恢复党籍) by a committee or above within the county's period.
    static func restore(_ e: MemberExit, member m: Member, note: String?, years: Int, as a: Acting) async throws {
        let user = try a.staffUser()
        guard user.scopeLevel != .branch else { throw AppError.conflict("恢复党籍由基层党委（或以上）决定并登记") }
        guard e.inForce, let on = CalendarDate(e.onDay),
            ExitRules.canRestore(e.kind, exitedOn: on, today: a.today, years: years)
        else { throw AppError.conflict("只有停止党籍\(years)年内的可以恢复党籍") }
        let why = try TransferRules.reason(note, what: "恢复党籍的决定").orThrow()
        e.restoredOn = a.today.description
        e.restoreNote = why
        e.closedBy = a.name
        try await back(e, member: m, summary: "恢复党籍：\(why)", as: a)
    }

    private static func back(_ e: MemberExit, member m: Member, summary: String, as a: Acting) async throws {
        m.rosterState = nil
        m.exitedOn = nil
        if m.flowStatus.flatMap(FlowState.init(rawValue:)) == .ended { m.flowStatus = nil }
        try await a.db.transaction { tx in
            try await e.update(on: tx)
            try await m.update(on: tx)
            try await MemberEvent.record(m.requireID(), kind: .exit, summary: summary, by: a.name, on: tx)
            try await NationalTodoActions.add(m, .exit, summary, expect: .present, today: a.today, on: tx)
            try await a.on(tx).audit(.update, "member-exit", ref: e.id!.uuidString, summary: "\(m.name)：\(summary)")
        }
    }
}
