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
        /// Members it covers today, and how many of them are counted as covered by a mobile organization or another
        /// agreement (so the coverage rate rises by the difference).
        var coveredNow: Int
        var coveredElsewhere: Int
        var coverageAdds: Int
    }

    /// The agreement as an A4 page (the print stylesheet hides the navigation and the buttons).
    func show(req: Request) async throws -> Response {
        let user = try req.user
        let a = try await AgreementService.find(
            req.parameters.get("id").flatMap(UUID.init(uuidString:)), for: user, on: req.db)
        let today = AppClock.today
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
        let covered =
            status.inForce ? try await AgreementStore.covered(a, on: req.db, today: today) : AgreementStore.Covered()
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
            canConfirm: AgreementService.isOtherSide(a, user) && a.confirmedAt == nil, coveredNow: covered.members,
            coveredElsewhere: covered.elsewhere,
            coverageAdds: covered.adds)
        return try await req.page("agreements/show", title: "共管协议 \(a.number)", view)
    }
}

/// Queries about agreements that pages and the worklist share.
enum AgreementStore {
    /// The members an agreement covers today, and how many of them the coverage rate counts elsewhere.
    struct Covered: Equatable, Sendable {
        /// Its outflow subtree's open flows reporting to its inflow organization (listed, for a list agreement).
        var members = 0
        /// Of those, members the rate already counts as covered by a mobile organization or by another agreement in
        /// force: the agreement adds `members - elsewhere` to the rate.
        var elsewhere = 0
        var adds: Int { members - elsewhere }
    }

    private struct CoveredRow: Decodable {
        var n: Int
        var elsewhere: Int?
    }

    static func covered(_ a: Agreement, on db: Database, today: CalendarDate) async throws -> Covered {
        guard let out = try await Organization.find(a.outflowOrgID, on: db), let id = a.id else { return Covered() }
        let open = SQLBind.group(LedgerService.openStates)
        let day = today.description
        let listOnly: SQLQueryString =
            a.covers == .list
            ? "AND EXISTS (SELECT 1 FROM agreement_members am WHERE am.agreement_id = \(bind: id) AND am.member_id = m.id)"
            : ""
        let row = try await db.sql().raw(
            """
            SELECT COUNT(*) AS n,
              SUM(CASE WHEN \(Coverage.byMobileOrg(member: "m.id", inflow: "i", day: day))
                OR EXISTS (SELECT 1 FROM agreements a JOIN organizations ao ON ao.id = a.outflow_org_id
                  WHERE a.id <> \(bind: id) AND a.inflow_org_id = f.inflow_org_id AND \(Coverage.inForce(on: day))
                    AND o.path LIKE (ao.path || '%')
                    AND (a.covers = 'all' OR EXISTS (SELECT 1 FROM agreement_members am
                         WHERE am.agreement_id = a.id AND am.member_id = m.id)))
                THEN 1 ELSE 0 END) AS elsewhere
            FROM organizations o CROSS JOIN members m CROSS JOIN flows f JOIN organizations i ON i.id = f.inflow_org_id
            WHERE \(PathPrefix("o.path", out.path)) AND m.organization_id = o.id AND m.flow_status IN \(open)
              AND f.member_id = m.id AND f.status IN \(open) AND f.inflow_org_id = \(bind: a.inflowOrgID) \(listOnly)
            """
        ).first(decoding: CoveredRow.self)
        return Covered(members: row?.n ?? 0, elsewhere: row?.elsewhere ?? 0)
    }
}
