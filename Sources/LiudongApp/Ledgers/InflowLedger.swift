import Fluent
import LiudongCore
import SQLKit
import Vapor

/// The inflow view: members of other places flowing INTO our area (confirmed inflow registrations), and members
/// reported to our mobile organizations.
enum InflowLedger {
    struct Line: Encodable, Sendable {
        var kind: String
        var name: String
        var idMasked: String
        var phoneMasked: String?
        var org: String
        var address: String?
        var employer: String?
        var since: String
        /// The co-management agreement covering the member here (our members reporting to an inflow organization).
        var agreement: String? = nil
    }

    static func lines(under org: Organization, cipher: FieldCipher, on db: Database) async throws -> [Line] {
        let sql = try db.sql()
        func masked(_ enc: String, _ stored: String) -> String {
            (try? cipher.open(enc)).map(Masking.idNumber) ?? Masking.idStored(stored)
        }
        let registrations = try await sql.raw(
            """
            SELECT r.name, r.id_masked, r.id_number_enc, r.phone_masked, o.short_name AS org, r.address, r.employer, r.reviewed_at
            FROM self_reports r JOIN organizations o ON o.id = r.review_org_id
            WHERE r.member_id IS NULL AND r.status = 'confirmed' AND r.review_path LIKE \(bind: org.path + "%")
            ORDER BY r.reviewed_at DESC
            """
        ).all(decoding: InflowRegistrationRow.self)
        let open = SQLBind.group(LedgerService.openStates)
        let reported = try await sql.raw(
            """
            SELECT m.name, m.id_prefix, m.id_number_enc, m.phone_prefix, m.phone_tail, i.short_name AS org, f.address, f.employer, f.arrived_on, f.left_on
            FROM flows f JOIN members m ON m.id = f.member_id JOIN organizations i ON i.id = f.inflow_org_id
            WHERE i.kind = 'mobile' AND i.path LIKE \(bind: org.path + "%") AND f.status IN \(open)
            ORDER BY i.code, m.name
            """
        ).all(decoding: ReportedMemberRow.self)
        // Our own members reporting to this (inflow) organization, each with the agreement that covers them.
        let day = AppClock.today.description
        let ours =
            org.kind == .external
            ? try await sql.raw(
                """
                SELECT m.name, m.id_prefix, m.id_number_enc, m.phone_prefix, m.phone_tail, b.short_name AS org, f.address, f.employer, f.arrived_on, f.left_on,
                  (SELECT a.number FROM agreements a JOIN organizations ao ON ao.id = a.outflow_org_id
                   WHERE a.inflow_org_id = f.inflow_org_id AND \(CoverageStore.inForce(on: day))
                     AND b.path LIKE (ao.path || '%')
                     AND (a.covers = 'all' OR EXISTS (SELECT 1 FROM agreement_members am WHERE am.agreement_id = a.id AND am.member_id = m.id))
                   ORDER BY a.valid_to DESC LIMIT 1) AS agreement
                FROM flows f JOIN members m ON m.id = f.member_id JOIN organizations b ON b.id = m.organization_id
                WHERE f.inflow_org_id = \(bind: org.id!) AND f.status IN \(open)
                ORDER BY b.code, m.name
                """
            ).all(decoding: ReportedMemberRow.self) : []
        return registrations.map {
            Line(
                kind: "外地流入", name: $0.name, idMasked: masked($0.id_number_enc, $0.id_masked),
                phoneMasked: $0.phone_masked, org: $0.org, address: $0.address,
                employer: $0.employer, since: Format.dateTime($0.reviewed_at))
        }
            + reported.map { r in
                Line(
                    kind: "流动党员党组织", name: r.name, idMasked: masked(r.id_number_enc, r.id_prefix),
                    phoneMasked: r.phone_prefix.flatMap { p in r.phone_tail.map { p + "****" + $0 } }, org: r.org,
                    address: r.address,
                    employer: r.employer, since: r.arrived_on ?? r.left_on)
            }
            + ours.map { r in
                Line(
                    kind: "本市流动党员（\(r.org)）", name: r.name, idMasked: masked(r.id_number_enc, r.id_prefix),
                    phoneMasked: r.phone_prefix.flatMap { p in r.phone_tail.map { p + "****" + $0 } },
                    org: org.shortName,
                    address: r.address, employer: r.employer, since: r.arrived_on ?? r.left_on,
                    agreement: r.agreement ?? "未签共管协议")
            }
    }
}

private struct InflowRegistrationRow: Decodable {
    var name: String
    var id_masked: String
    var id_number_enc: String
    var phone_masked: String?
    var org: String
    var address: String?
    var employer: String?
    var reviewed_at: Date?
}

private struct ReportedMemberRow: Decodable {
    var name: String
    var id_prefix: String
    var id_number_enc: String
    var phone_prefix: String?
    var phone_tail: String?
    var org: String
    var address: String?
    var employer: String?
    var arrived_on: String?
    var left_on: String
    var agreement: String? = nil
}
