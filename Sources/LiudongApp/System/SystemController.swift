import Fluent
import LiudongCore
import SQLKit
import Vapor

/// Health check, the OpenAPI document and the divisions look-up: public, no session needed.
struct SystemController {
    func boot(_ r: FeatureRoutes) throws {
        r.public.get("healthz", use: health)
        r.public.get("openapi.json", use: openAPI)
        r.public.get("api", "v1", "divisions", use: divisions)
    }

    struct Health: Content {
        var status: String
        var database: String
    }

    func health(req: Request) async throws -> Response {
        let name = req.settings.database.name
        do {
            try await SystemStore.ping(req.db)
        } catch {
            let res = Response(status: .serviceUnavailable)
            try res.content.encode(Health(status: "unavailable", database: name))
            return res
        }
        let res = Response(status: .ok)
        try res.content.encode(Health(status: "ok", database: name))
        return res
    }

    func openAPI(req: Request) async throws -> Response {
        let res = Response(status: .ok, body: .init(string: OpenAPIDocument.json))
        res.headers.contentType = .json
        return res
    }

    struct DivisionItem: Content {
        var code: String
        var name: String
        var level: String
    }

    /// Children of `parent` (provinces when omitted): the cascade behind every division picker.
    func divisions(req: Request) async throws -> [DivisionItem] {
        let parent = (try? req.query.get(String.self, at: "parent")) ?? ""
        if !parent.isEmpty, !Divisions.shared.contains(parent) {
            throw AppError.invalid([FieldError("parent", "行政区划代码“\(parent)”不存在")])
        }
        let res = Divisions.shared.children(of: parent)
        return res.map { DivisionItem(code: $0.code, name: $0.name, level: $0.level.rawValue) }
    }
}
