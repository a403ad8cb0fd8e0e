import Fluent
import LiudongCore
import Vapor

/// The view model of the phone page `/r/{orgCode}`: which reports it offers and what is preset.
enum PhonePage {
    struct Body: Encodable {
        var org: OrgInfo
        var input: SelfReportInput
        var errors: [String: String]
        var kinds: [SelectOption]
        var reasons: [SelectOption]
        var branches: [SelectOption]
        var inflowOrgs: [SelectOption]
        var presetBranch: Bool
        var isInflowOrg: Bool
        var today: String
        var errorCount: Int
    }
    struct OrgInfo: Encodable {
        var code: String
        var name: String
        var type: String
    }
    struct Receipt: Encodable {
        var receipt: String
        var kind: String
        var duplicate: Bool
        var orgCode: String
    }

    static func render(_ req: Request, org: Organization, input: SelfReportInput, errors: [FieldError]) async throws
        -> View
    {
        let isInflow = org.kind == .external || org.kind == .mobile
        let isBranch = org.kind == .regular && (org.level == .branch || org.level == .generalBranch)
        var input = input
        if input.kind == nil { input.kind = isInflow ? ReportKind.arrival.rawValue : ReportKind.outflow.rawValue }
        if input.orgCode == nil, isBranch { input.orgCode = org.code }
        // A committee's or county's code: choose the home branch among those under it.
        var branches: [SelectOption] = []
        // An inflow organization's code is for reporting arrival there; leaving is registered with one's own branch's
        // code. The page never lists the branches of the whole tree to whoever opens it.
        if isInflow { input.kind = ReportKind.arrival.rawValue }
        if !isBranch && !isInflow {
            branches = try await Organization.query(on: req.db).under(path: org.path).filter(\.$kind == .regular)
                .filter(\.$level == .branch).filter(\.$closedAt == nil).sort(\.$code).all()
                .map { SelectOption(value: $0.code, label: $0.shortName, selected: $0.code == input.orgCode) }
        }
        let inflowOrgs = try await Organization.query(on: req.db).group(.or) {
            $0.filter(\.$kind == .external).filter(\.$kind == .mobile)
        }
        .filter(\.$closedAt == nil).sort(\.$code).all()
        .map {
            SelectOption(
                value: $0.code, label: "\($0.shortName)（\(Divisions.shared.fullName($0.divisionCode))）",
                selected: $0.code == input.inflowOrgCode)
        }
        let body = Body(
            org: OrgInfo(code: org.code, name: org.shortName, type: org.typeLabel), input: input,
            errors: errors.byField,
            kinds: (isInflow ? [.arrival] : ReportKind.allCases).map {
                SelectOption(value: $0.rawValue, label: $0.label, selected: $0.rawValue == input.kind)
            },
            reasons: OutflowReason.allCases.map {
                SelectOption(
                    value: "\($0.rawValue)", label: "\($0.rawValue) \($0.label)", selected: $0.rawValue == input.reason)
            },
            branches: branches, inflowOrgs: inflowOrgs, presetBranch: isBranch, isInflowOrg: isInflow,
            today: AppClock.today.description, errorCount: errors.count)
        return try await req.view.render("report/phone", body)
    }

    /// The form's fields as the API's input: the home branch or, for an arrival, the organization reported to.
    struct Form: Content {
        var kind: String?
        var branch: String?
        var name: String?
        var idNumber: String?
        var phone: String?
        var destinationCode: String?
        var address: String?
        var employer: String?
        var occupation: String?
        var reason: String?
        var leftOn: String?
        var expectedReturnOn: String?
        var joined: String?
        var inflowOrgCode: String?
        var note: String?
    }

    static func input(from req: Request, org: Organization) throws -> SelfReportInput {
        let f = try req.content.decode(Form.self)
        let isInflow = org.kind == .external || org.kind == .mobile
        let isBranch = org.kind == .regular && (org.level == .branch || org.level == .generalBranch)
        let kind = isInflow ? ReportKind.arrival.rawValue : f.kind ?? ReportKind.outflow.rawValue
        var orgCode: String?
        var inflow = Normalize.text(f.inflowOrgCode)
        if kind == ReportKind.arrival.rawValue {
            orgCode = isInflow ? org.code : inflow
            inflow = nil
        } else {
            orgCode = isBranch ? org.code : Normalize.text(f.branch)
            if kind == ReportKind.outflow.rawValue, f.joined != "1" { inflow = nil }
            if kind != ReportKind.outflow.rawValue { inflow = nil }
        }
        let reasonText = Normalize.text(f.reason)
        return SelfReportInput(
            kind: kind, orgCode: orgCode, name: f.name, idNumber: f.idNumber, phone: f.phone,
            destinationCode: f.destinationCode, address: f.address, employer: f.employer, occupation: f.occupation,
            reason: reasonText.map { Int($0) ?? 0 }, leftOn: f.leftOn, expectedReturnOn: f.expectedReturnOn,
            inflowOrgCode: inflow, note: f.note)
    }
}
