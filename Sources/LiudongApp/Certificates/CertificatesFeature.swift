import Fluent
import LiudongCore
import SQLKit
import Vapor

/// The electronic 流动党员活动证: issued when an outflow is confirmed, checked yearly with the appraisal, revoked
/// when the flow ends; verified at `/c/{token}`, where inflow and mobile organizations record check-ins.
struct CertificatesFeature: Feature {
    let name = "certificates"

    func migrations(_ app: Application) -> [NumberedMigration] { [NumberedMigration(19, CreateCertificates())] }

    func routes(_ routes: FeatureRoutes) throws { try CertificateController().boot(routes) }

    var openAPI: String? { CertificatesOpenAPI.part }

    func archive(_ member: Member, on db: Database) async throws -> [ArchiveEntry] {
        guard let id = member.id else { return [] }
        let certs = try await CertificateStore.certificates(of: id, on: db)
        var entries: [ArchiveEntry] = []
        for c in certs {
            entries.append(
                ArchiveEntry(at: c.issuedOn, side: "流出地", kind: "活动证", text: "签发流动党员活动证\(c.number)，有效至\(c.validTo)"))
            if let r = c.revokedOn {
                entries.append(
                    ArchiveEntry(at: r, side: "流出地", kind: "活动证", text: "活动证\(c.number)注销：\(c.revokedReason ?? "")"))
            }
        }
        let ids = certs.compactMap(\.id)
        for k in try await CertificateStore.checks(of: ids, on: db) {
            entries.append(
                ArchiveEntry(
                    at: k.checkedOn, side: "流出地", kind: "年审",
                    text: "\(k.year)年度年审，民主评议\(k.appraisal.label)，有效期延至\(k.validTo)"))
        }
        let checkins = try await CertificateStore.checkins(of: ids, on: db)
        let orgs = try await OrgTree.byID(checkins.map(\.orgID), on: db).mapValues(\.shortName)
        for k in checkins {
            entries.append(
                ArchiveEntry(at: k.checkedInOn, side: "流入地", kind: "登记报到", text: "凭活动证在\(orgs[k.orgID] ?? "")登记报到"))
        }
        return entries
    }

    func myTiles(_ member: CurrentMember, on db: Database, cipher: FieldCipher) async throws -> [MyTile] {
        let c = try await CertificateStore.latest(of: member.memberID, on: db)
        let lines =
            c.map { c in
                [
                    MyTile.Line(
                        text: "\(c.number) · \(c.status(on: AppClock.today).label)", note: "有效至\(c.validTo)",
                        actions: [.init(label: "出示活动证", path: "/my/certificate", primary: true, link: true)])
                ]
            } ?? []
        return [MyTile(id: "certificate", title: "流动党员活动证", lines: lines, empty: "流出登记经确认后发放活动证。")]
    }

    func sweep(_ app: Application, today: CalendarDate) async throws -> [String] {
        let n = try await CertificateService.revokeStale(on: app.db, today: today)
        return n > 0 ? ["注销流动已结束的活动证\(n)张"] : []
    }

    func loadDemo(_ demo: DemoContext) async throws { try await CertificateDemo.load(demo) }
}
