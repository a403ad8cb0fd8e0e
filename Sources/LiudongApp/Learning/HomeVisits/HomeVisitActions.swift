import Fluent
import Foundation
import LiudongCore

/// Filing a 返乡预报 (`HomeVisitRules`): the member for themselves, or the branch for one of its mobile members.
enum HomeVisitActions {
    @discardableResult
    static func file(from: String?, to: String?, place: String?, member: UUID, as a: Acting) async throws -> HomeVisit {
        let checked = try HomeVisitRules.visit(from: from, to: to, place: place, today: a.today).orThrow()
        let mine = try await HomeVisitStore.visits(of: member, on: a.db)
        guard mine.count < 20 else { throw AppError.conflict("返乡预报已有20条，请先与党支部联系") }
        if let same = mine.first(where: { $0.fromOn == checked.from.description }) {
            // The same arrival day again: the latest word stands.
            same.toOn = checked.to.description
            same.place = checked.place
            same.reportedBy = a.user == nil ? "党员本人" : a.name
            try await same.update(on: a.db)
            return same
        }
        let v = HomeVisit()
        v.memberID = member
        v.fromOn = checked.from.description
        v.toOn = checked.to.description
        v.place = checked.place
        v.reportedBy = a.user == nil ? "党员本人" : a.name
        try await v.create(on: a.db)
        if a.user != nil {
            try await a.audit(
                .create, "home-visit", ref: v.id!.uuidString,
                summary: "代党员登记返乡预报：\(checked.from)至\(checked.to)在\(checked.place)")
        }
        return v
    }
}
