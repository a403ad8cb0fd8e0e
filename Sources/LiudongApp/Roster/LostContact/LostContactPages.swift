import Fluent
import LiudongCore
import Vapor

/// 失联党员 at `/lost-contact?org=`: the candidates and the confirmed lost, the longest first, each with its search
/// log and a form to log a try; a case lost for the county's period with enough tries is marked for the committee to
/// decide on the member's panel (停止党籍, or keep searching) — the system never decides.
struct LostContactPages {
    func boot(_ r: FeatureRoutes) throws {
        r.signedIn(.decideFlows).get("lost-contact", use: list)
        r.signedIn(.decideFlows).post("members", ":id", "searches", use: search)
    }

    func list(req: Request) async throws -> Response {
        let org = try await req.treeScopeOrganization()
        let today = AppClock.today
        struct Try: Encodable {
            var on: String
            var method: String
            var result: String
            var by: String
        }
        struct Case: Encodable {
            var id: String
            var name: String
            var branch: String
            var state: String
            var lastContactOn: String
            var since: String
            var tries: [Try]
            var proposal: Bool
        }
        var cases: [Case] = []
        for c in try await LostContactStore.cases(under: org.path, on: req.db) {
            let tries = try await LostContactStore.searches(of: c.flowID, on: req.db)
            let since = c.lostCandidateSince.flatMap { CalendarDate($0) }
            cases.append(
                Case(
                    id: c.id.uuidString, name: c.name, branch: c.branch,
                    state: c.status == .lost ? "已确认失联" : "失联待核实", lastContactOn: c.lastContactOn,
                    since: c.lostCandidateSince ?? "",
                    tries: tries.map { Try(on: $0.onDay, method: $0.method.label, result: $0.result, by: $0.byName) },
                    proposal: c.status == .lost
                        && (since.map { LostContactRules.proposal(lostSince: $0, tries: tries.count, today: today) }
                            ?? false)
                ))
        }
        struct Option: Encodable {
            var value: String
            var label: String
        }
        struct View: Encodable {
            var code: String
            var name: String
            var cases: [Case]
            var methods: [Option]
            var today: String
        }
        return try await req.page(
            "roster/lost-contact", title: "失联党员",
            View(
                code: org.code, name: org.shortName, cases: cases,
                methods: SearchMethod.allCases.map { Option(value: $0.rawValue, label: $0.label) },
                today: today.description))
    }

    struct SearchForm: Content {
        var method: String?
        var on: String?
        var result: String?
        var found: String?
    }

    func search(req: Request) async throws -> Response {
        let m = try await req.rosterMember()
        let f = try req.content.decode(SearchForm.self)
        return try await req.act(back: "/lost-contact#m\(m.id!.uuidString)") {
            try await LostContactActions.search(
                m, method: f.method, on: f.on, result: f.result, found: f.found == "1" || f.found == "on",
                as: try req.acting)
            return f.found == "1" || f.found == "on" ? "已记录：找到本人，失联核查结束" : "已记录查找情况"
        }
    }
}
