import Fluent
import LiudongCore
import SQLKit
import Vapor

extension AgreementController {
    struct ShowView: Encodable {
        struct Party: Encodable {
            var code: String
            var name: String
            var type: String
            var place: String
            var secretary: String
            var contact: String
        }
        struct Version: Encodable {
            var id: String
            var number: String
            var dates: String
            var status: String
            var current: Bool
        }
        var id: String
        var number: String
        var outflow: Party
        var inflow: Party
        var signedOn: String
        var validFrom: String
        var validTo: String
        var status: String
        var statusKey: String
        var covers: String
        var listed: [String]
        var duties: [String]
        var scan: String?
        var confirmed: String?
        var terminated: String?
        var chain: [Version]
        var canManage: Bool
        var canConfirm: Bool
        var coveredNow: Int
    }

    /// The agreement as an A4 page (the print stylesheet hides the navigation and the buttons).
    func show(req: Request) async throws -> Response {
        let user = try req.user
        let a = try await AgreementService.find(
            req.parameters.get("id").flatMap(UUID.init(uuidString:)), for: user, on: req.db)
        let today = CalendarDate.today()
        func party(_ id: Int, contact: String?) async throws -> ShowView.Party {
            guard let o = try await Organization.find(id, on: req.db) else {
                return .init(code: "", name: "", type: "", place: "", secretary: "", contact: contact ?? "")
            }
            return .init(
                code: o.code, name: o.name, type: o.typeLabel, place: Divisions.shared.fullName(o.divisionCode),
                secretary: o.secretary,
                contact: contact
                    ?? [o.contactPerson, Masking.phone(o.phone)].compactMap { $0 }
                    .filter { !$0.isEmpty }.joined(separator: " "))
        }
        let listed = try await AgreementService.listed(a, on: req.db)
        let names =
            listed.isEmpty
            ? []
            : try await Member.query(on: req.db).filter(\.$id ~~ listed).sort(\.$name).all()
                .map { $0.name }
        let chain = try await AgreementService.chain(a, on: req.db).map {
            ShowView.Version(
                id: $0.id!.uuidString, number: $0.number, dates: "\($0.validFrom) 至 \($0.validTo)",
                status: $0.status(on: today).label, current: $0.id == a.id)
        }
        let canManage = (try? await AgreementService.requireManager(a, user, on: req.db)) != nil
        let status = a.status(on: today)
        let coveredNow = status.inForce ? try await AgreementStore.coveredCount(a, on: req.db, today: today) : 0
        let view = ShowView(
            id: a.id!.uuidString, number: a.number, outflow: try await party(a.outflowOrgID, contact: a.outflowContact),
            inflow: try await party(a.inflowOrgID, contact: a.inflowContact),
            signedOn: a.signedOn.flatMap({ CalendarDate($0) })?.chinese ?? "（未签订）",
            validFrom: CalendarDate(a.validFrom)?.chinese ?? a.validFrom,
            validTo: CalendarDate(a.validTo)?.chinese ?? a.validTo, status: status.label, statusKey: status.rawValue,
            covers: a.covers.label, listed: names, duties: a.duties.split(whereSeparator: \.isNewline).map(String.init),
            scan: a.scanSHA256.map {
                "\(a.scanType?.uppercased() ?? "") · \(((a.scanSize ?? 0) + 1023) / 1024) KB · SHA-256 \($0)"
            },
            confirmed: a.confirmedAt.map { "对方已于\(CalendarDate(date: $0).chinese)确认（\(a.confirmedBy ?? "")）" },
            terminated: a.terminatedOn.map { "\($0)终止：\(a.terminatedReason ?? "")" }, chain: chain,
            canManage: canManage && !user.isInflowSide,
            canConfirm: AgreementService.isOtherSide(a, user) && a.confirmedAt == nil, coveredNow: coveredNow)
        return try await req.page("agreements/show", title: "共管协议 \(a.number)", view)
    }
}

/// Queries about agreements that pages and the worklist share.
enum AgreementStore {
    /// Members covered by this agreement today (its outflow subtree, reporting to its inflow organization, listed
    /// when it is a list agreement).
    static func coveredCount(_ a: Agreement, on db: Database, today: CalendarDate) async throws -> Int {
        guard let out = try await Organization.find(a.outflowOrgID, on: db) else { return 0 }
        let open = SQLBind.group(LedgerService.openStates)
        let listOnly: SQLQueryString =
            a.covers == .list
            ? "AND EXISTS (SELECT 1 FROM agreement_members am WHERE am.agreement_id = \(bind: a.id!) AND am.member_id = m.id)"
            : ""
        return try await db.sql().raw(
            """
            SELECT COUNT(*) AS n FROM organizations o CROSS JOIN members m CROSS JOIN flows f
            WHERE \(PathPrefix("o.path", out.path)) AND m.organization_id = o.id AND m.flow_status IN \(open)
              AND f.member_id = m.id AND f.status IN \(open) AND f.inflow_org_id = \(bind: a.inflowOrgID) \(listOnly)
            """
        ).first(decoding: CountResult.self)?.n ?? 0
    }
}
