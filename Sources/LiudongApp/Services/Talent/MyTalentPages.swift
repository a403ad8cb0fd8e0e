import Fluent
import LiudongCore
import Vapor

/// The member's own entry in the talent register and the home-side opportunities matched to it.
struct MyTalentPages {
    func boot(_ r: FeatureRoutes) throws {
        r.member.get("my", "talent", use: page)
        r.member.post("my", "talent", use: save)
    }

    func page(req: Request) async throws -> Response {
        let m = try await req.currentMemberRecord()
        let p = try await TalentProfile.find(m.id, on: req.db)
        struct View: Encodable {
            var industry: String
            var skills: String
            var title: String
            var business: String
            var willingReturn: Bool
            var willingInvest: Bool
            var note: String
            var industries: [Pair]
            var matches: [TalentActions.Match]
            var saved: Bool
        }
        return try await req.myPage(
            "my/talent", title: "就业创业与返乡发展",
            View(
                industry: p?.industry ?? "", skills: p?.skills ?? "", title: p?.title ?? "",
                business: p?.business ?? "",
                willingReturn: p?.willingReturn ?? false, willingInvest: p?.willingInvest ?? false, note: p?.note ?? "",
                industries: Industry.allCases.map { Pair($0.rawValue, $0.label) },
                matches: try await TalentActions.matches(for: m, today: AppClock.today, on: req.db), saved: p != nil))
    }

    func save(req: Request) async throws -> Response {
        let m = try await req.currentMemberRecord()
        let f = try req.content.decode(TalentActions.ProfileForm.self)
        return try await req.act(back: "/my/talent") {
            _ = try await TalentActions.save(f, member: m, as: try req.actingMember)
            return "已保存，家乡的岗位和政策会按您的行业和技能推荐"
        }
    }
}
