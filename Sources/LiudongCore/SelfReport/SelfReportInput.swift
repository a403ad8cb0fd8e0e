import Foundation

/// What a self-report says: leaving, arrival, change, return.
public enum ReportKind: String, Codable, CaseIterable, Sendable, Labelled {
    case outflow, arrival, change, `return`
    public var label: String {
        switch self {
        case .outflow: return "流出登记"
        case .arrival: return "到达报到"
        case .change: return "信息变更"
        case .return: return "返回登记"
        }
    }
}

/// 外出原因, numbered as the national system numbers them.
public enum OutflowReason: Int, Codable, CaseIterable, Sendable {
    case business = 1, restructured, graduateUnknown, employerChanged, abroad, residenceChanged, other
    public var label: String {
        switch self {
        case .business: return "外出务工经商"
        case .restructured: return "单位改制破产"
        case .graduateUnknown: return "毕业去向不明"
        case .employerChanged: return "单位改变"
        case .abroad: return "出国(境)"
        case .residenceChanged: return "居住地改变"
        case .other: return "其他"
        }
    }
}

/// Where a mobile member stands.
public enum FlowState: String, Codable, CaseIterable, Sendable, Labelled {
    case away, arrived, returned, transferred, lost, ended
    public var label: String {
        switch self {
        case .ended: return "流动结束（党员减少）"
        case .away: return "流出未报到"
        case .arrived: return "已报到"
        case .returned: return "已返回"
        case .transferred: return "关系已转出"
        case .lost: return "失联"
        }
    }
    /// Still a mobile member (counted in ledgers).
    public var isOpen: Bool { self == .away || self == .arrived || self == .lost }
}

/// The self-report as typed on the phone or sent to the API; `validate` gives clean values or per-field errors.
public struct SelfReportInput: Codable, Sendable, Equatable {
    public var kind: String?
    public var orgCode: String?
    public var name: String?
    public var idNumber: String?
    public var phone: String?
    public var destinationCode: String?
    public var address: String?
    public var employer: String?
    public var occupation: String?
    public var reason: Int?
    public var leftOn: String?
    public var expectedReturnOn: String?
    public var inflowOrgCode: String?
    public var note: String?

    public init(
        kind: String? = nil, orgCode: String? = nil, name: String? = nil, idNumber: String? = nil, phone: String? = nil,
        destinationCode: String? = nil, address: String? = nil, employer: String? = nil, occupation: String? = nil,
        reason: Int? = nil, leftOn: String? = nil, expectedReturnOn: String? = nil, inflowOrgCode: String? = nil,
        note: String? = nil
    ) {
        self.kind = kind
        self.orgCode = orgCode
        self.name = name
        self.idNumber = idNumber
        self.phone = phone
        self.destinationCode = destinationCode
        self.address = address
        self.employer = employer
        self.occupation = occupation
        self.reason = reason
        self.leftOn = leftOn
        self.expectedReturnOn = expectedReturnOn
        self.inflowOrgCode = inflowOrgCode
        self.note = note
    }

    /// Clean values, ready to store.
    public struct Valid: Sendable, Equatable {
        public var kind: ReportKind
        public var orgCode: String
        public var name: String
        public var idNumber: IDNumber
        public var phone: String?
        public var destinationCode: String?
        public var address: String?
        public var employer: String?
        public var occupation: String?
        public var reason: OutflowReason?
        public var leftOn: CalendarDate?
        public var expectedReturnOn: CalendarDate?
        public var inflowOrgCode: String?
        public var note: String?
    }

    /// The bad fields of one input.
    public struct Problems: Error, Equatable, Sendable {
        public var fields: [FieldProblem]
    }

    /// A bad field with its Chinese message.
    public struct FieldProblem: Equatable, Sendable {
        public var field: String
        public var message: String
        public init(_ field: String, _ message: String) {
            self.field = field
            self.message = message
        }
    }

    public static let maxText = 200

    public func validate(today: CalendarDate, divisions: Divisions = .shared) -> Result<Valid, Problems> {
        var errors: [FieldProblem] = []
        let kind = Normalize.text(kind).flatMap(ReportKind.init(rawValue:))
        if kind == nil { errors.append(.init("kind", "请选择报告类型（流出登记、到达报到、信息变更或返回登记）")) }
        let org = Normalize.text(orgCode)
        if org == nil { errors.append(.init("orgCode", kind == .arrival ? "请选择报到的党组织" : "请选择所在党支部")) }
        let name = Normalize.text(name)
        if name == nil {
            errors.append(.init("name", "请填写姓名"))
        } else if name!.count > 40 {
            errors.append(.init("name", "姓名不能超过40个字"))
        }
        var id: IDNumber?
        switch IDNumber.parse(idNumber ?? "", today: today) {
        case .success(let v): id = v
        case .failure(let p): errors.append(.init("idNumber", p.message))
        }
        var phoneValue: String?
        if let raw = Normalize.text(phone) {
            switch Phone.parse(raw) {
            case .success(let p): phoneValue = p
            case .failure(let p): errors.append(.init("phone", p.message))
            }
        } else if kind == .outflow || kind == .arrival {
            errors.append(.init("phone", "请填写手机号码，便于党组织联系您"))
        }
        for (field, value) in [
            ("address", address), ("employer", employer), ("occupation", occupation), ("note", note),
        ] {
            if let v = value, v.count > Self.maxText { errors.append(.init(field, "不能超过\(Self.maxText)个字")) }
        }
        var destination: String?
        if let d = Normalize.text(destinationCode) {
            if d.count != 6 || !divisions.contains(d) {
                errors.append(.init("destinationCode", "流向地不是有效的行政区划，请在列表中选择"))
            } else {
                destination = d
            }
        } else if kind == .outflow {
            errors.append(.init("destinationCode", "请选择流向地（省、市、县）"))
        }
        var reasonValue: OutflowReason?
        if let r = reason {
            reasonValue = OutflowReason(rawValue: r)
            if reasonValue == nil { errors.append(.init("reason", "外出原因应为1至7")) }
        } else if kind == .outflow {
            errors.append(.init("reason", "请选择外出原因"))
        }
        var left: CalendarDate?
        if let raw = Normalize.text(leftOn) {
            left = CalendarDate(raw)
            if left == nil {
                errors.append(.init("leftOn", "外出日期格式应为YYYY-MM-DD"))
            } else if left! > today.adding(days: 30) {
                errors.append(.init("leftOn", "外出日期最多只能填写30天以后的日期"))
            } else if let id, left! < id.birthDate {
                errors.append(.init("leftOn", "外出日期早于出生日期"))
            } else if left! < today.adding(days: -365 * 30) {
                errors.append(.init("leftOn", "外出日期过早，请核对"))
            }
        } else if kind == .outflow {
            errors.append(.init("leftOn", "请填写外出日期"))
        }
        var back: CalendarDate?
        if let raw = Normalize.text(expectedReturnOn) {
            back = CalendarDate(raw)
            if back == nil {
                errors.append(.init("expectedReturnOn", "预计返回日期格式应为YYYY-MM-DD"))
            } else if let l = left, back! <= l {
                errors.append(.init("expectedReturnOn", "预计返回日期应晚于外出日期"))
            }
        }
        let inflow = Normalize.text(inflowOrgCode)
        if kind == .change, destination == nil, Normalize.text(address) == nil, Normalize.text(employer) == nil,
            phoneValue == nil
        {
            errors.append(.init("destinationCode", "请至少填写一项变更内容（流向地、地址、工作单位或手机号码）"))
        }
        guard errors.isEmpty, let kind, let org, let name, let id else { return .failure(Problems(fields: errors)) }
        return .success(
            Valid(
                kind: kind, orgCode: org, name: name, idNumber: id, phone: phoneValue, destinationCode: destination,
                address: Normalize.text(address), employer: Normalize.text(employer),
                occupation: Normalize.text(occupation),
                reason: reasonValue, leftOn: left, expectedReturnOn: back, inflowOrgCode: inflow,
                note: Normalize.text(note)))
    }
}

/// Receipt codes: 16 characters from an alphabet without look-alikes (no 0/O, 1/I/L), 80 random bits.
public enum Receipt {
    static let alphabet = Array("23456789ABCDEFGHJKMNPQRSTUVWXYZ")

    public static func make<G: RandomNumberGenerator>(using rng: inout G) -> String {
        String((0..<16).map { _ in alphabet[Int.random(in: 0..<alphabet.count, using: &rng)] })
    }

    public static func make() -> String {
        var rng = SystemRandomNumberGenerator()
        return make(using: &rng)
    }

    /// Upper-cased, spaces and dashes removed, the way people copy it back.
    public static func normalize(_ s: String) -> String {
        Normalize.halfWidth(s).uppercased().filter { $0 != " " && $0 != "-" }
    }
}
