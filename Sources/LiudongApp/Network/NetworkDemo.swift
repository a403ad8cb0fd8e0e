import Fluent
import LiudongCore
import SQLKit
import Vapor

/// The demo's measure 4a: 81 open mobile organizations across the counties (chambers, offices, joint and temporary
/// ones, each with its founding record; a few temporary ones dissolved), more inflow organizations at the main
/// destinations, agreements with them (some expiring, some expired, one terminated), and members taking part in
/// mobile organizations until about two thirds of mobile members are covered — leaving live suggestions elsewhere.
enum NetworkDemo {
    static let externals: [(code: String, name: String, short: String, division: String)] = [
        ("X110108", "北京市海淀区中关村街道党工委", "中关村街道党工委", "110108"),
        ("X110106", "北京市丰台区卢沟桥街道党工委", "卢沟桥街道党工委", "110106"),
        ("X150102", "呼和浩特市新城区海拉尔东路街道党工委", "海拉尔东路街道党工委", "150102"),
        ("X150104", "呼和浩特市玉泉区小召前街街道党工委", "小召前街街道党工委", "150104"),
        ("X150204", "包头市青山区富强路街道党工委", "富强路街道党工委", "150204"),
        ("X210103", "沈阳市沈河区大南街道党工委", "大南街道党工委", "210103"),
        ("X120101", "天津市和平区南营门街道党工委", "南营门街道党工委", "120101"),
        ("X210202", "大连市中山区青泥洼桥街道党工委", "青泥洼桥街道党工委", "210202"),
        ("X210204", "大连市沙河口区春柳街道党工委", "春柳街道党工委", "210204"),
    ]
    static let places = [
        "110105", "110108", "110106", "150105", "150102", "150104", "150203", "150204", "210102", "210103", "120116",
        "120101", "210202", "210204",
    ]
    /// One district in each main destination city (Beijing, Hohhot, Baotou, Shenyang, Tianjin, Dalian).
    static let hubCities = ["110105", "150105", "150203", "210102", "120116", "210202"]
    static let parks = ["经济技术开发区", "高新技术产业园", "物流园区", "商贸大厦", "创业孵化园", "国际商务中心"]

    static func load(_ demo: DemoContext) async throws {
        let db = demo.db
        var rng = SeededRandom(seed: demo.seed ^ 0x4A_0081)
        let today = demo.today
        let counties = try await Organization.query(on: db).filter(\.$level == .county).filter(\.$kind == .regular)
            .sort(\.$code).all()
        guard !counties.isEmpty else { return }
        var inflow = try await Organization.query(on: db).filter(\.$kind == .external).all()
        for x in externals where !inflow.contains(where: { $0.code == x.code }) {
            let o = Organization()
            o.code = x.code
            o.name = x.name
            o.shortName = x.short
            o.kind = .external
            o.divisionCode = x.division
            o.secretary = DemoPeople.name(using: &rng)
            o.phone = DemoPeople.phone(using: &rng)
            o.contactPerson = o.secretary
            o.path = "/"
            o.sortOrder = 0
            try await o.create(on: db)
            o.path = "/\(o.id!)/"
            o.sortOrder = o.id!
            try await o.update(on: db)
            inflow.append(o)
        }
        try await mobileOrganizations(counties, today: today, rng: &rng, on: db)
        try await agreements(counties, inflow: inflow, today: today, rng: &rng, on: db)
        try await reportToInflow(inflow, rng: &rng, on: db)
        try await participate(today: today, on: db)
    }

    /// Up to 81 open mobile organizations (seven per county in a smaller demo) and four dissolved temporary ones.
    private static func mobileOrganizations(
        _ counties: [Organization], today: CalendarDate, rng: inout SeededRandom, on db: Database
    ) async throws {
        let existing = try await Organization.query(on: db).filter(\.$kind == .mobile).all()
        let target = counties.count >= 12 ? MobileOrgRules.cityReportedCount : counties.count * 7
        var made = existing.count
        var n = 0
        var orgs = existing
        while made < target + 4 {
            let county = counties[n % counties.count]
            n += 1
            let ended = made >= target
            let basis: MobileBasis =
                ended ? .temporary : rng.weighted([(.chamber, 30), (.office, 25), (.joint, 25), (.temporary, 20)])
            // Each county first gets one in each main destination city, then others at random.
            let round = (n - 1) / counties.count
            let place = round < hubCities.count ? hubCities[round] : rng.pick(places)
            let city = Divisions.shared[String(place.prefix(4)) + "00"]?.name ?? Divisions.shared[place]?.name ?? ""
            let placeName = city.isEmpty || city == "市辖区" ? Divisions.shared.fullName(place) : city
            let suffix: String
            switch basis {
            case .chamber: suffix = "驻\(placeName)商会流动党员党支部"
            case .office: suffix = "驻\(placeName)办事处流动党员党支部"
            case .joint: suffix = "\(placeName)\(rng.pick(parks))流动党员联合党支部"
            case .temporary: suffix = "驻\(Divisions.shared.fullName(place))流动党员临时党支部"
            }
            let o = Organization()
            let taken = Set(orgs.map(\.code))
            var k = 1
            while taken.contains(county.code + "M" + String(format: "%02d", k)) { k += 1 }
            o.code = county.code + "M" + String(format: "%02d", k)
            o.name = "中共\(county.shortName)\(suffix)"
            o.shortName = String(suffix.replacingOccurrences(of: "流动党员", with: "流动").prefix(20))
            o.level = .branch
            o.kind = .mobile
            o.basis = basis
            o.divisionCode = place
            o.secretary = DemoPeople.name(using: &rng)
            o.phone = DemoPeople.phone(using: &rng)
            o.parentID = county.id
            o.path = county.path
            o.sortOrder = 0
            try await o.create(on: db)
            o.path = county.path + "\(o.id!)/"
            o.sortOrder = o.id!
            if ended {
                o.closedAt = today.adding(days: -rng.int(30...300)).startDate
                o.closedReason = "临时任务完成，党员已返乡"
            }
            try await o.update(on: db)
            orgs.append(o)
            made += 1
        }
        let recorded = Set(try await MobileOrgRecord.query(on: db).all().compactMap(\.id))
        let countyByID = Dictionary(uniqueKeysWithValues: counties.map { ($0.id!, $0) })
        for o in orgs where !recorded.contains(o.id!) {
            let county = o.pathIDs.compactMap { countyByID[$0] }.first
            let r = MobileOrgRecord()
            r.id = o.id
            let approved = today.adding(days: -rng.int(200...2000))
            r.approvedBy = "中共\(county?.shortName ?? "赤峰市")委员会组织部"
            r.documentNo = "\(county?.shortName.prefix(2) ?? "赤")组字〔\(approved.year)〕\(rng.int(1...60))号"
            r.approvedOn = approved.description
            r.address = Divisions.shared.fullName(o.divisionCode) + rng.pick(DemoPlan.streets) + "\(rng.int(1...300))号"
            r.contacts = "书记\(o.secretary) \(Masking.phone(o.phone))"
            if o.basis == .joint { r.participants = "赤峰商会\n\(rng.pick(DemoPlan.employersAway))\n园区管委会" }
            if o.basis == .temporary {
                r.endsOn =
                    o.isClosed
                    ? today.adding(days: -rng.int(1...30)).description
                    : today.adding(days: rng.int(60...400)).description
            }
            if o.isClosed {
                r.dissolvedOn = o.closedAt.map { CalendarDate(date: $0).description }
                r.dissolvedReason = o.closedReason
            }
            r.recordedBy = "demo"
            try await r.create(on: db)
        }
    }

    /// Each county signs with most inflow organizations at the main destinations; a few agreements run out soon,
    /// a few have run out, one was terminated.
    private static func agreements(
        _ counties: [Organization], inflow: [Organization], today: CalendarDate, rng: inout SeededRandom,
        on db: Database
    ) async throws {
        var k = 0
        for county in counties {
            // The demo county (巴林左旗) has not yet signed with the demo inflow account's organization (望京): a
            // worklist item to act on, and the browser test's agreement.
            for i in inflow where rng.chance(0.85) && !(county.code == "150422" && i.code == "X110105") {
                k += 1
                let a = Agreement()
                let from = today.adding(days: -rng.int(60...900))
                var to = from.adding(days: 365 * 3)
                switch k % 17 {
                case 3, 11: to = today.adding(days: rng.int(5...28))
                case 7: to = today.adding(days: -rng.int(20...200))
                default: break
                }
                if to <= from { to = from.adding(days: 30) }
                a.number = "\(county.code)-共管-\(from.year)-\(String(format: "%03d", k))"
                a.outflowOrgID = county.id!
                a.inflowOrgID = i.id!
                a.signedOn = from.adding(days: -rng.int(0...20)).description
                a.validFrom = from.description
                a.validTo = to.description
                a.covers = .all
                a.duties = AgreementText.defaultDuties
                a.outflowContact = "\(county.shortName)委组织部 \(county.phone)"
                a.inflowContact = "\(i.contactPerson ?? i.secretary) \(Masking.phone(i.phone))"
                a.scanSHA256 = nil
                if rng.chance(0.7) {
                    a.confirmedAt = from.startDate
                    a.confirmedBy = "demo"
                }
                if k == 5 {
                    a.terminatedOn = today.adding(days: -40).description
                    a.terminatedReason = "对方街道党工委撤并，另行签订"
                }
                a.createdBy = "demo"
                try await a.create(on: db)
            }
        }
    }

    /// Arrived members at a place with an inflow organization mostly report to it, and a fifth of those elsewhere
    /// in the same city report to one of the city's.
    private static func reportToInflow(_ inflow: [Organization], rng: inout SeededRandom, on db: Database) async throws
    {
        let byPlace = Dictionary(grouping: inflow, by: \.divisionCode)
        let byCity = Dictionary(grouping: inflow, by: { String($0.divisionCode.prefix(4)) })
        let flows = try await Flow.query(on: db).filter(\.$status == .arrived).filter(\.$inflowOrgID == nil)
            .sort(\.$id).all()
        var assign: [Int: [UUID]] = [:]
        for f in flows {
            guard let d = f.destinationCode else { continue }
            let org: Organization?
            if let here = byPlace[d] {
                org = rng.chance(0.8) ? rng.pick(here) : nil
            } else if let city = byCity[String(d.prefix(4))] {
                org = rng.chance(0.2) ? rng.pick(city) : nil
            } else {
                org = nil
            }
            if let org { assign[org.id!, default: []].append(f.id!) }
        }
        let sql = try db.sql()
        for (org, ids) in assign {
            for chunk in ids.chunked(400) {
                try await sql.update("flows").set("inflow_org_id", to: org).where(
                    "id", .in, SQLBind.group(Array(chunk))
                )
                .run()
            }
        }
    }

    /// Uncovered members away at a mobile organization's city take part in it until about two thirds are covered:
    /// first those reporting nowhere, then those reporting to an inflow organization no agreement covers them at —
    /// except at 望京, whose members the demo county is to cover by signing (the browser test does).
    private static func participate(today: CalendarDate, on db: Database) async throws {
        guard let root = try await OrganizationService.root(on: db) else { return }
        let mobile = try await Organization.query(on: db).filter(\.$kind == .mobile).filter(\.$closedAt == nil)
            .sort(\.$code).all()
        let keep = try await Organization.query(on: db).filter(\.$code == "X110105").first()?.id ?? -1
        for pass in [MobileOrgStore.Uncovered.unreported, .unsigned(except: keep)] {
            let (now, _) = try await CoverageStore.rolledUp(for: root, on: db, today: today)
            var missing = Int(Double(now.mobile) * 0.65) - now.covered
            for org in mobile where missing > 0 {
                let candidates = try await MobileOrgStore.candidates(
                    for: org, within: root.path, uncovered: pass, on: db, today: today)
                let joining = candidates.prefix(min(missing, 200)).map {
                    MobileOrgMembership(
                        orgID: org.id!, memberID: $0.id, joinedOn: today.adding(days: -30).description, by: "demo")
                }
                // One statement for the organization's new members.
                if !joining.isEmpty { try await joining.create(on: db) }
                missing -= joining.count
            }
        }
    }
}
