import Fluent
import Foundation
import LiudongCore
import Testing
import Vapor

@testable import LiudongApp

/// A small known world: the city, two counties, a committee and branch in each, an external organization,
/// two members per branch, and one account per role. Built through the same services the app uses.
struct Fixture {
    var city: Organization
    var countyA: Organization  // 150422 巴林左旗
    var countyB: Organization  // 150402 红山区
    var committeeA: Organization
    var branchA: Organization
    var branchA2: Organization
    var committeeB: Organization
    var branchB: Organization
    var external: Organization
    var memberA: Member
    var memberB: Member

    static let password = "fixture-pass-1"
    /// Valid synthetic numbers (check digits computed by IDNumber.make).
    static let idA = IDNumber.make(
        division: "150422", birth: CalendarDate(year: 1985, month: 3, day: 14)!, sequence: 11, sex: .male)
    static let idA2 = IDNumber.make(
        division: "150422", birth: CalendarDate(year: 1990, month: 7, day: 1)!, sequence: 22, sex: .female)
    static let idB = IDNumber.make(
        division: "150402", birth: CalendarDate(year: 1979, month: 12, day: 30)!, sequence: 33, sex: .male)

    /// One organization under `parent` (nil: outside the tree), with its materialized path.
    static func org(
        _ code: String, _ name: String, _ level: OrgLevel?, _ kind: OrgKind = .regular, parent: Organization?,
        division: String,
        on db: Database
    ) async throws -> Organization {
        let o = Organization()
        o.code = code
        o.name = name
        o.shortName = name
        o.level = level
        o.kind = kind
        o.divisionCode = division
        o.secretary = "书记"
        o.phone = "13800000000"
        o.parentID = parent?.id
        o.path = "/"
        o.sortOrder = 0
        o.contactPerson = kind == .external ? "联系人" : nil
        try await o.create(on: db)
        o.path = (parent?.path ?? "/") + "\(o.id!)/"
        try await o.update(on: db)
        return o
    }

    static func build(_ app: Application) async throws -> Fixture {
        let db = app.db
        func org(
            _ code: String, _ name: String, _ level: OrgLevel?, _ kind: OrgKind = .regular, parent: Organization?,
            division: String
        ) async throws -> Organization {
            try await Fixture.org(code, name, level, kind, parent: parent, division: division, on: db)
        }
        let city = try await org("150400", "赤峰市", .city, parent: nil, division: "150400")
        let countyA = try await org("150422", "巴林左旗", .county, parent: city, division: "150422")
        let countyB = try await org("150402", "红山区", .county, parent: city, division: "150402")
        let committeeA = try await org("15042201", "林东镇党委", .committee, parent: countyA, division: "150422")
        let branchA = try await org("1504220101", "东城村党支部", .branch, parent: committeeA, division: "150422")
        let branchA2 = try await org("1504220102", "西城村党支部", .branch, parent: committeeA, division: "150422")
        let committeeB = try await org("15040201", "东城街道党工委", .committee, parent: countyB, division: "150402")
        let branchB = try await org("1504020101", "长青社区党支部", .branch, parent: committeeB, division: "150402")
        let external = try await org("X110105", "望京街道党工委", nil, .external, parent: nil, division: "110105")

        let specs: [(String, Role, Organization)] = [
            ("admin", .admin, city), ("city", .orgDept, city), ("county", .orgDept, countyA),
            ("countyb", .orgDept, countyB), ("committee", .committee, committeeA),
            ("secretary", .secretary, branchA), ("secretaryb", .secretary, branchB),
            ("inflow", .inflow, external), ("countyadmin", .admin, countyA),
        ]
        for (u, r, o) in specs {
            _ = try await AccountService.create(
                .init(username: u, displayName: u, password: password, role: r, orgCode: o.code),
                creator: nil, bcryptCost: 4, on: db)
        }
        let admin = try await user(app, "admin")
        func member(_ name: String, _ id: String, _ sex: Sex, _ branch: Organization, phone: String) async throws
            -> Member
        {
            let birth = IDNumber.parse(id).map(\.birthDate)
            return try await MemberService.create(
                MemberForm(
                    name: name, sex: sex.rawValue, ethnicity: "汉族", birthDate: try birth.get().description,
                    idNumber: id,
                    education: "college", category: "full", joinedOn: "2010-07-01", fullOn: "2011-07-01",
                    orgCode: branch.code,
                    phone: phone, household: "内蒙古赤峰市", residence: "林东镇", employer: "务农", isMigrantWorker: "1"),
                by: admin, cipher: app.cipher, on: db)
        }
        let memberA = try await member("张建国", idA, .male, branchA, phone: "13904761234")
        _ = try await member("李秀英", idA2, .female, branchA2, phone: "13904765678")
        let memberB = try await member("王海涛", idB, .male, branchB, phone: "15004769999")
        return Fixture(
            city: city, countyA: countyA, countyB: countyB, committeeA: committeeA, branchA: branchA,
            branchA2: branchA2,
            committeeB: committeeB, branchB: branchB, external: external, memberA: memberA, memberB: memberB)
    }

    /// The signed-in view of an account, for calling services directly.
    static func user(_ app: Application, _ username: String) async throws -> CurrentUser {
        let account = try await Account.query(on: app.db).filter(\.$username == username).first()
        let id = try #require(account?.id)
        return try #require(try await UserAuthenticator.load(accountID: id, on: app.db, viaToken: false))
    }
}
