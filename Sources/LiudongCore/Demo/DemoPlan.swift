/// One organization of the demo, in insertion order (parents before children).
public struct DemoOrganization: Sendable {
    public var code: String
    public var parentCode: String?
    public var name: String
    public var shortName: String
    public var level: OrgLevel?
    public var kind: OrgKind
    public var basis: MobileBasis?
    public var divisionCode: String
    public var secretary: String
    public var phone: String
}

/// One synthetic member, every field as the national system holds it.
public struct DemoMember: Sendable {
    public var name: String
    public var sex: Sex
    public var ethnicity: String
    public var birthDate: CalendarDate
    public var idNumber: String
    public var education: Education
    public var category: MemberCategory
    public var joinedOn: CalendarDate
    public var fullOn: CalendarDate?
    public var branchCode: String
    public var phone: String
    public var household: String
    public var residence: String
    public var employer: String
    public var isMigrantWorker: Bool
}

/// The Chifeng demo: a deterministic function of its seed.
public struct DemoPlan: Sendable {
    public static let cityCode = "150400"
    public static let countyCodes = [
        "150402", "150403", "150404", "150421", "150422", "150423", "150424",
        "150425", "150426", "150428", "150429", "150430",
    ]

    public private(set) var organizations: [DemoOrganization] = []
    public var branchCodes: [String] { organizations.filter { $0.level == .branch }.map(\.code) }
    private var rng: SeededRandom
    private let today: CalendarDate
    /// The root organization's code, and the county-level units under it.
    public let rootCode: String
    public let counties: [String]

    /// The Chifeng demo.
    public init(seed: UInt64, today: CalendarDate) {
        self.init(seed: seed, today: today, root: (Self.cityCode, "中共赤峰市委员会", "赤峰市"), counties: Self.countyCodes)
    }

    /// A tree of any size: `root` holds `counties` (real division codes), each with 3–6 committees of 5–15 branches.
    public init(
        seed: UInt64, today: CalendarDate, root: (code: String, name: String, shortName: String), counties: [String]
    ) {
        rng = SeededRandom(seed: seed)
        self.today = today
        rootCode = root.code
        self.counties = counties
        buildTree(root: root)
    }

    /// Real county codes for a synthetic membership of about `members` (one county per ~5,000 members),
    /// Inner Mongolia first, then its neighbours.
    public static func scaleCounties(members: Int) -> [String] {
        let wanted = max(1, members / 5_000)
        let order = ["15", "21", "13", "22", "23", "14", "64", "62", "61", "41", "37", "11", "12"]
        let all = Divisions.shared.all.filter { $0.level == .county }
        var out: [String] = []
        for p in order {
            for d in all where d.code.hasPrefix(p) {
                out.append(d.code)
                if out.count == wanted { return out }
            }
        }
        return out
    }

    private mutating func person() -> String {
        let (name, _) = personName(sex: rng.chance(0.5) ? .male : .female, mongol: false)
        return name
    }

    private mutating func mobilePhone() -> String {
        let prefix = rng.pick([
            "130", "131", "132", "135", "136", "137", "138", "139", "150", "151", "152", "155",
            "156", "158", "159", "177", "182", "183", "186", "187", "188", "189", "199",
        ])
        return prefix + String(rng.int(10_000_000...99_999_999))
    }

    private mutating func buildTree(root: (code: String, name: String, shortName: String)) {
        let divisions = Divisions.shared
        organizations.append(
            DemoOrganization(
                code: root.code, parentCode: nil, name: root.name, shortName: root.shortName,
                level: .city, kind: .regular, basis: nil, divisionCode: root.code, secretary: person(),
                phone: "0476-8222001"))
        for county in counties {
            let countyName = divisions[county]!.name
            organizations.append(
                DemoOrganization(
                    code: county, parentCode: root.code, name: "中共\(countyName)委员会", shortName: countyName,
                    level: .county, kind: .regular, basis: nil, divisionCode: county, secretary: person(),
                    phone: "0476-\(rng.int(5_000_000...8_999_999))"))
            var committeePool = DemoNames.committeeNames
            committeePool.shuffle(using: &rng)
            for c in 0..<rng.int(3...6) {
                let cCode = county + String(format: "%02d", c + 1)
                let cName = committeePool[c]
                organizations.append(
                    DemoOrganization(
                        code: cCode, parentCode: county,
                        name: "中共\(countyName)\(cName)委员会".replacingOccurrences(of: "党委委员会", with: "委员会")
                            .replacingOccurrences(of: "党工委委员会", with: "工作委员会"),
                        shortName: "\(countyName)\(cName)", level: .committee, kind: .regular, basis: nil,
                        divisionCode: county, secretary: person(), phone: mobilePhone()))
                var used = Set<String>()
                for b in 0..<rng.int(5...15) {
                    var place: String
                    repeat {
                        place = String([rng.pick(DemoNames.placeParts), rng.pick(DemoNames.placeParts)])
                    } while used.contains(place)
                    used.insert(place)
                    let kind = rng.pick(DemoNames.branchKinds)
                    let short = place + kind
                    let committeeShort = cName.replacingOccurrences(of: "党委", with: "").replacingOccurrences(
                        of: "党工委", with: "")
                    organizations.append(
                        DemoOrganization(
                            code: cCode + String(format: "%02d", b + 1), parentCode: cCode,
                            name:
                                "中共\(countyName)\(committeeShort)\(place)\(kind.replacingOccurrences(of: "党支部", with: ""))支部委员会",
                            shortName: short, level: .branch, kind: .regular, basis: nil, divisionCode: county,
                            secretary: person(), phone: mobilePhone()))
                }
            }
        }
        // The demo's mobile organizations hang under Chifeng's city and counties when they are in the tree.
        let codes = Set(organizations.map(\.code))
        let mobile: [(String, String, String, String, MobileBasis, String)] = [
            (
                "150400M01", codes.contains(Self.cityCode) ? Self.cityCode : root.code, "赤峰驻北京流动党员党支部", "驻京流动党支部",
                .chamber, "110105"
            ),
            ("150422M01", "150422", "巴林左旗驻呼和浩特流动党员党支部", "驻呼流动党支部", .office, "150105"),
            ("150402M01", "150402", "红山区驻天津流动党员临时党支部", "驻津临时党支部", .temporary, "120116"),
            ("150404M01", "150404", "松山区驻沈阳流动党员联合党支部", "驻沈联合党支部", .joint, "210102"),
        ]
        for m in mobile where codes.contains(m.1) {
            organizations.append(
                DemoOrganization(
                    code: m.0, parentCode: m.1, name: m.2, shortName: m.3, level: .branch,
                    kind: .mobile, basis: m.4, divisionCode: m.5, secretary: person(), phone: mobilePhone()))
        }
        let external: [(String, String, String, String)] = [
            ("X110105", "北京市朝阳区望京街道党工委", "望京街道党工委", "110105"),
            ("X150105", "呼和浩特市赛罕区敕勒川路街道党工委", "敕勒川路街道党工委", "150105"),
            ("X210102", "沈阳市和平区南湖街道党工委", "南湖街道党工委", "210102"),
            ("X120116", "天津市滨海新区新港街道党工委", "新港街道党工委", "120116"),
            ("X150203", "包头市昆都仑区友谊大街街道党工委", "友谊大街街道党工委", "150203"),
        ]
        for x in external {
            organizations.append(
                DemoOrganization(
                    code: x.0, parentCode: nil, name: x.1, shortName: x.2, level: nil,
                    kind: .external, basis: nil, divisionCode: x.3, secretary: person(), phone: mobilePhone()))
        }
    }

    private mutating func personName(sex: Sex, mongol: Bool) -> (String, Sex) {
        if mongol, rng.chance(0.5) { return (rng.pick(DemoNames.mongolNames), sex) }
        let surname = rng.weighted(DemoNames.surnames)
        let pool = sex == .male ? DemoNames.maleGiven : DemoNames.femaleGiven
        let given = rng.chance(0.3) ? String(rng.pick(pool)) : String([rng.pick(DemoNames.middle), rng.pick(pool)])
        return (surname + given, sex)
    }

    /// About `count` members spread over the branches (not the mobile ones), deterministic for the seed.
    public mutating func members(count: Int) -> [DemoMember] {
        let branches = organizations.filter { $0.level == .branch && $0.kind == .regular }
        let weights = branches.map { _ in Double(rng.int(40...160)) }
        let total = weights.reduce(0, +)
        var out: [DemoMember] = []
        out.reserveCapacity(count + branches.count)
        var sequenceByKey: [String: Int] = [:]
        let divisions = Divisions.shared
        for (branch, w) in zip(branches, weights) {
            let n = max(1, Int((Double(count) * w / total).rounded()))
            let countyName = divisions.fullName(branch.divisionCode)
            for _ in 0..<n {
                let sex: Sex = rng.chance(0.68) ? .male : .female
                let ethnicity = rng.weighted([("汉族", 78.0), ("蒙古族", 19.0), ("回族", 1.5), ("满族", 1.5)])
                let (name, _) = personName(sex: sex, mongol: ethnicity == "蒙古族")
                let band: ClosedRange<Int> = rng.weighted([
                    (20...35, 25.0), (36...50, 30.0), (51...65, 27.0), (66...88, 18.0),
                ])
                let age = rng.int(band)
                let birthYear = today.year - age
                let birth = CalendarDate(year: birthYear, month: rng.int(1...12), day: rng.int(1...28))!
                // Mostly born in the branch's own county, some elsewhere in Chifeng.
                let origin = rng.chance(0.85) ? branch.divisionCode : rng.pick(counties)
                let key = origin + birth.compact
                let start = rng.int(0...400)
                let seq = sequenceByKey[key, default: start] + 2
                sequenceByKey[key] = seq
                let id = IDNumber.make(division: origin, birth: birth, sequence: seq, sex: sex)
                let joinAge = rng.int(18...min(age, 45))
                // On or after the birthday of the joining year, so every member joined at 18 or older.
                var joined = CalendarDate(year: birthYear + joinAge, month: birth.month, day: birth.day)!.adding(
                    days: rng.int(0...300))
                if joined > today { joined = today.adding(days: -rng.int(30...300)) }
                if birth.years(until: joined) < 18 {
                    joined = CalendarDate(year: birthYear + 18, month: birth.month, day: birth.day)!
                }
                let probationary = joined.adding(days: 365) > today
                let education: Education = rng.weighted(
                    age < 40
                        ? [
                            (.postgraduate, 6), (.undergraduate, 35), (.college, 28), (.highSchool, 14),
                            (.technical, 9), (.middleSchool, 8),
                        ]
                        : [
                            (.undergraduate, 12), (.college, 18), (.highSchool, 24), (.technical, 10),
                            (.middleSchool, 28), (.primary, 8),
                        ])
                let migrant = age < 55 && rng.chance(0.18)
                let employer =
                    migrant
                    ? rng.pick(["建筑公司 施工员", "物流公司 司机", "外卖平台 骑手", "餐饮店 厨师", "工厂 操作工"])
                    : rng.pick(DemoNames.employers)
                let phone = mobilePhone()
                let village = rng.pick(DemoNames.villages)
                out.append(
                    DemoMember(
                        name: name, sex: sex, ethnicity: ethnicity, birthDate: birth, idNumber: id,
                        education: education,
                        category: probationary ? .probationary : .full, joinedOn: joined,
                        fullOn: probationary ? nil : joined.adding(days: 365), branchCode: branch.code, phone: phone,
                        household: countyName, residence: countyName + village,
                        employer: employer,
                        isMigrantWorker: migrant))
            }
        }
        return out
    }
}
