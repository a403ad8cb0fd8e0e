import Fluent
import LiudongCore
import Vapor

/// 两地教育培训 for an inflow organization's account at `/learning/inflow`: courses it publishes for the members
/// reporting to it (they appear on those members' learning menu beside their home side's), and their vanguard-post
/// diaries written while away. Its organizational life it records at `/org-life` as before.
struct TwoPlacesPages {
    func boot(_ r: FeatureRoutes) throws {
        let inflow = r.signedIn(.actForInflowOrganization)
        inflow.get("learning", "inflow", use: index)
        inflow.post("learning", "inflow", "courses", use: publish)
        inflow.get("learning", "inflow", "diaries", ":id", "photo", use: photo)
    }

    /// The account's inflow organization (404 for any other account).
    static func organization(_ req: Request) async throws -> Organization {
        let user = try req.user
        guard user.scopeKind == .external, let org = try await Organization.find(user.scopeID, on: req.db) else {
            throw AppError.notFound
        }
        return org
    }

    func index(req: Request) async throws -> Response {
        try await render(req, form: CourseActions.Input(kind: "article", minutes: "15"), errors: [:])
    }

    private func render(
        _ req: Request, form: CourseActions.Input, errors: [String: String], status: HTTPResponseStatus = .ok
    ) async throws -> Response {
        let org = try await Self.organization(req)
        let id = try org.requireID()
        struct Course: Encodable {
            var title: String
            var kind: String
            var minutes: Int
            var available: String
            var done: Int
        }
        struct Diary: Encodable {
            var id: String
            var name: String
            var branch: String
            var on: String
            var text: String
            var photo: Bool
            var comment: String?
            var excellent: Bool
        }
        struct View: Encodable {
            var name: String
            var members: Int
            var courses: [Course]
            var diaries: [Diary]
            var form: CourseActions.Input
            var kinds: [SelectOption]
            var errors: [String: String]
        }
        return try await req.page(
            "learning/inflow", title: "两地教育培训",
            View(
                name: org.name, members: try await TwoPlacesStore.reportingMembers(to: id, on: req.db),
                courses: try await TwoPlacesStore.courses(publishedBy: id, on: req.db).map {
                    Course(
                        title: $0.title, kind: CourseKind(rawValue: $0.kind)?.label ?? $0.kind, minutes: $0.minutes,
                        available: "\($0.availableFrom) 至 \($0.availableTo)", done: $0.done)
                },
                diaries: try await TwoPlacesStore.diaries(reportingTo: id, on: req.db).map {
                    Diary(
                        id: $0.id.uuidString, name: $0.name, branch: $0.branch, on: $0.onDay, text: $0.text,
                        photo: $0.photoSHA256 != nil, comment: $0.comment, excellent: $0.excellent)
                }, form: form,
                kinds: CourseKind.allCases.map {
                    SelectOption(value: $0.rawValue, label: $0.label, selected: $0.rawValue == form.kind)
                }, errors: errors), status: status)
    }

    func publish(req: Request) async throws -> Response {
        _ = try await Self.organization(req)
        let input = try req.content.decode(CourseActions.Input.self)
        do {
            let c = try await CourseActions.create(input, by: try req.user, on: req.db)
            try await req.audit(.create, "course", ref: c.id!.uuidString, summary: "流入地党组织发布学习课程：\(c.title)")
            return req.redirect(to: "/learning/inflow", flash: "已发布：\(c.title)，在本组织报到的流动党员可在“点学菜单”中学习")
        } catch AppError.invalid(let errors) {
            return try await render(req, form: input, errors: errors.byField, status: .unprocessableEntity)
        }
    }

    func photo(req: Request) async throws -> Response {
        let org = try await Self.organization(req)
        guard let id = req.parameters.get("id").flatMap(UUID.init(uuidString:)),
            let e = try await DiaryEntry.find(id, on: req.db),
            try await TwoPlacesStore.readable(e, by: org.requireID(), on: req.db)
        else { throw AppError.notFound }
        return try await e.servePhoto(req)
    }
}
