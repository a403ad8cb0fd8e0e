import Fluent
import Foundation
import LiudongCore

/// Publishing a county's year (评比晾晒): checked with `PointRankingRules`, recomputed, frozen, audited.
enum PointRankingActions {
    /// Freezes the county's ranking for a finished year: recomputes it, closes the year, and writes the snapshot.
    @discardableResult
    static func publish(county: Organization, year: Int, form: PublicForm, as a: Acting) async throws
        -> PointPublication
    {
        let published = try await PointRankingStore.publication(county: county.id!, year: year, on: a.db) != nil
        let settings = try await PointRulesStore.settings(county.id!, on: a.db)
        let waiting =
            (2000...2100).contains(year)
            ? try await PointClaimsStore.pending(county: county, through: "\(year)-12-31", on: a.db) : 0
        try PointRankingRules.publish(
            year: year, today: a.today, county: county.shortName, published: published,
            enabled: settings?.enabled == true, waiting: waiting
        ).orThrow()
        guard let settings else { throw AppError.conflict("\(county.shortName)未参加积分制管理试点") }
        try await PointLedger.recompute(county: county, year: year, on: a.db)
        let totals = try await PointRankingStore.totals(county: county.id!, year: year, on: a.db)
        let bands = settings.bands
        let p = PointPublication()
        p.countyID = county.id!
        p.year = year
        p.publicForm = form
        p.bandsJSON = String(decoding: try JSONEncoder().encode(bands), as: UTF8.self)
        p.members = totals.count
        p.publishedBy = a.name
        p.noticeUntil =
            PointNoticeRules.until(publishedOn: a.today, calendar: try await CalendarStore.calendar(on: a.db))
            .description
        try await PointRankingStore.freeze(p, totals: totals, bands: bands, settings: settings, by: a.name, on: a.db)
        try await a.audit(
            .update, "points", ref: county.code,
            summary: "公布\(county.shortName)\(year)年积分评比（\(form.label)），公示期至\(p.noticeUntil ?? "")")
        return p
    }

    /// An appeal upheld on an entry of a closed period (an objection in the notice period): the entry is revoked there,
    /// the member's total and — once published — the posted ranking (ranks and bands) follow.
    static func revise(entry id: UUID, as a: Acting) async throws {
        guard let e = try await PointRankingStore.entry(id, on: a.db) else { return }
        try await PointRankingStore.revoke(entry: id, member: e.member, county: e.county, year: e.year, on: a.db)
        if let pub = try await PointRankingStore.publication(county: e.county, year: e.year, on: a.db) {
            try await PointRankingStore.refreeze(pub, on: a.db)
        }
        try await a.audit(
            .update, "points", ref: id.uuidString, summary: "公示期异议成立：撤销该条积分，\(e.year)年评比结果随之更正")
    }
}
