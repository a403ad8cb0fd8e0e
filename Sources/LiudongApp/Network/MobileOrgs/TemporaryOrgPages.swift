import Fluent
import LiudongCore
import Vapor

/// The suggestions page and the one action that founds the temporary organization a suggestion asks for.
extension MobileOrgPages {
    func suggestions(req: Request) async throws -> Response {
        let user = try req.user
        guard !user.isInflowSide else { throw AppError.forbidden }
        let org = try await req.scopeOrganization()
        struct View: Encodable {
            var orgName: String
            var items: [MobileOrgActions.Suggestion]
            var canCreate: Bool
        }
        return try await req.page(
            "network/suggestions", title: "建议成立临时党支部",
            View(
                orgName: org.shortName, items: try await MobileOrgActions.suggestions(under: org, on: req.db),
                canCreate: user.can(.editOrganizations)))
    }

    struct TemporaryForm: Content {
        var county: String?
        var dest: String?
        var name: String?
        var shortName: String?
        var secretary: String?
        var phone: String?
        var approvedBy: String?
        var documentNo: String?
        var approvedOn: String?
        var address: String?
        var contacts: String?
        var endsOn: String?

        var record: MobileOrgActions.RecordInput {
            .init(
                approvedBy: approvedBy, documentNo: documentNo, approvedOn: approvedOn, address: address,
                contacts: contacts, participants: nil, endsOn: endsOn)
        }
    }

    /// The suggestion as it stands now (recomputed, never taken from the form).
    private func suggestion(_ req: Request, county: String?, dest: String?) async throws
        -> (Organization, MobileOrgActions.Suggestion)
    {
        let user = try req.user
        guard let code = Normalize.text(county),
            let c = try await MobileOrgStore.county(code: code, on: req.db)
        else { throw AppError.notFound }
        let countyOrg = try user.require(c)
        guard
            let s = try await MobileOrgActions.suggestions(under: countyOrg, on: req.db).first(where: {
                $0.destinationCode == Normalize.text(dest)
            })
        else { throw AppError.conflict("该流向地已不再需要成立临时党支部（人数不足三人或已被覆盖）") }
        return (countyOrg, s)
    }

    private func formPage(
        _ req: Request, _ f: TemporaryForm, _ s: MobileOrgActions.Suggestion, errors: [FieldError],
        status: HTTPResponseStatus = .ok
    ) async throws -> Response {
        struct View: Encodable {
            var form: TemporaryForm
            var suggestion: MobileOrgActions.Suggestion
            var names: [String]
            var errors: [String: String]
        }
        let names = try await MobileOrgStore.names(s.memberIds, on: req.db)
        return try await req.page(
            "network/temporary-form", title: "成立临时党支部",
            View(form: f, suggestion: s, names: names, errors: errors.byField), status: status)
    }

    func newTemporary(req: Request) async throws -> Response {
        let user = try req.user
        try user.require(.editOrganizations)
        let (county, s) = try await suggestion(
            req, county: try? req.query.get(String.self, at: "county"),
            dest: try? req.query.get(String.self, at: "dest"))
        let place = Divisions.shared.fullName(s.destinationCode)
        let today = AppClock.today
        let f = TemporaryForm(
            county: county.code, dest: s.destinationCode, name: "中共\(county.shortName)驻\(place)流动党员临时党支部",
            shortName: "驻\(Divisions.shared[s.destinationCode]?.name ?? "")临时党支部", secretary: nil, phone: nil,
            approvedBy: "中共\(county.shortName)委员会组织部", documentNo: nil, approvedOn: today.description,
            address: nil, contacts: nil, endsOn: today.adding(days: 365).description)
        return try await formPage(req, f, s, errors: [])
    }

    /// Creates the temporary organization under the county, its founding record, and the suggested members' part in it.
    func createTemporary(req: Request) async throws -> Response {
        let user = try req.user
        try user.require(.editOrganizations)
        let f = try req.content.decode(TemporaryForm.self)
        let (county, s) = try await suggestion(req, county: f.county, dest: f.dest)
        let orgForm = OrganizationForm(
            name: f.name, shortName: f.shortName, kind: "mobile", basis: MobileBasis.temporary.rawValue,
            divisionCode: s.destinationCode, secretary: f.secretary, phone: f.phone)
        do {
            let (org, joined) = try await MobileOrgActions.createTemporary(
                orgForm, record: f.record, documentNo: f.documentNo, county: county, suggestion: s,
                app: req.application, as: try req.acting)
            return req.redirect(to: "/mobile-orgs/\(org.code)", flash: "已成立\(org.shortName)，\(joined)名党员已加入")
        } catch AppError.invalid(let errors) {
            return try await formPage(req, f, s, errors: errors, status: .unprocessableEntity)
        }
    }
}
