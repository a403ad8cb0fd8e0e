import Fluent
import Foundation
import LiudongCore
import Vapor

/// Recording a talk with a long-term low scorer (约谈提醒): checked with `PointTalkRules`, stored, audited; it goes
/// into the member's archive.
enum PointTalksActions {
    struct TalkInput: Decodable {
        var talkedOn: String?
        var way: String?
        var summary: String?
        var steps: String?
    }

    static func record(_ input: TalkInput, member: Member, as a: Acting) async throws -> PointTalk {
        let draft = try PointTalkRules.talk(
            talkedOn: input.talkedOn, way: input.way, summary: input.summary, steps: input.steps, today: a.today
        ).orThrow()
        let t = PointTalk()
        t.id = UUID()
        t.memberID = try member.requireID()
        t.talkedOn = draft.talkedOn.description
        t.way = draft.way
        t.summary = draft.summary
        t.steps = draft.steps
        t.quarters = draft.quarters
        t.recordedBy = a.name
        try await t.create(on: a.db)
        try await a.audit(
            .create, "point-talk", ref: t.memberID.uuidString,
            summary: "记录与\(member.name)的约谈提醒（\(t.way.label)，\(t.talkedOn)）")
        return t
    }
}
