import Fluent
import LiudongCore
import Vapor

/// QR codes pointing at `/r/{code}`, and printable A4 posters for notice boards.
struct QRPages {
    func boot(_ routes: FeatureRoutes) throws {
        routes.public.get("orgs", ":code", "qr.svg", use: svg)
    }

    /// Signed-in poster routes.
    struct Posters {
        func boot(_ routes: FeatureRoutes) throws {
            let print = routes.signedIn(.printPosters)
            print.get("orgs", ":code", "poster", use: poster)
            print.get("orgs", ":code", "posters", use: posters)
        }

        struct PosterItem: Encodable {
            var code: String
            var name: String
            var fullName: String
            var url: String
        }
        struct PostersView: Encodable {
            var items: [PosterItem]
            var title: String
        }

        func poster(req: Request) async throws -> View {
            let org = try await OrganizationService.find(
                code: req.parameters.get("code") ?? "", for: try req.user, on: req.db)
            return try await req.view.render(
                "report/posters", PostersView(items: [item(org, req)], title: org.shortName))
        }

        /// Every open branch under an organization, one A4 page each.
        func posters(req: Request) async throws -> View {
            let org = try await OrganizationService.find(
                code: req.parameters.get("code") ?? "", for: try req.user, on: req.db)
            let branches = try await OrgTree.openBranches(under: org, on: req.db)
            return try await req.view.render(
                "report/posters", PostersView(items: branches.map { item($0, req) }, title: "\(org.shortName)各支部"))
        }

        private func item(_ o: Organization, _ req: Request) -> PosterItem {
            PosterItem(
                code: o.code, name: o.shortName, fullName: o.name,
                url: QRPages.target(o.code, base: req.settings.baseURL))
        }
    }

    static func target(_ code: String, base: String) -> String {
        base + "/r/" + (code.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? code)
    }

    func svg(req: Request) async throws -> Response {
        let code = req.parameters.get("code") ?? ""
        guard try await OrgTree.organization(code: code, on: req.db) != nil else {
            throw AppError.notFound
        }
        let qr = try QRCode(Self.target(code, base: req.settings.baseURL))
        let res = Response(status: .ok, body: .init(string: qr.svg()))
        res.headers.contentType = HTTPMediaType(type: "image", subType: "svg+xml")
        res.headers.replaceOrAdd(name: .cacheControl, value: "public, max-age=86400")
        return res
    }
}
