/// The columns of a 流动党员台账, in the order organization departments hand them upward.
public enum LedgerColumn: Int, CaseIterable, Sendable {
    case serial, name, sex, ethnicity, birthMonth, education, idNumber, joinedOn, category, branch, leftOn, destination,
        addressEmployer, reason, phone, inflowOrg, arrived, pairContact, lastContact, status, note

    public var title: String {
        switch self {
        case .serial: return "序号"
        case .name: return "姓名"
        case .sex: return "性别"
        case .ethnicity: return "民族"
        case .birthMonth: return "出生年月"
        case .education: return "学历"
        case .idNumber: return "公民身份号码"
        case .joinedOn: return "入党时间"
        case .category: return "人员类别"
        case .branch: return "所在党支部"
        case .leftOn: return "流出时间"
        case .destination: return "流向地（省/市/县）"
        case .addressEmployer: return "详细地址及工作单位"
        case .reason: return "外出原因"
        case .phone: return "联系电话"
        case .inflowOrg: return "流入地党组织"
        case .arrived: return "是否报到"
        case .pairContact: return "结对联系人"
        case .lastContact: return "最近联系时间"
        case .status: return "状态"
        case .note: return "备注"
        }
    }

    /// Width in Excel character units.
    public var width: Double {
        switch self {
        case .serial, .sex: return 6
        case .name, .ethnicity, .category, .arrived, .status: return 10
        case .birthMonth, .education, .joinedOn, .leftOn, .lastContact, .pairContact: return 12
        case .idNumber: return 21
        case .phone: return 14
        case .branch, .inflowOrg, .reason: return 18
        case .destination: return 26
        case .addressEmployer: return 32
        case .note: return 16
        }
    }
}

/// One line of a ledger: display strings plus the dates that exports write as date cells.
public struct LedgerRow: Sendable, Equatable {
    public var name: String
    public var sex: String
    public var ethnicity: String
    public var birthDate: CalendarDate?
    public var education: String
    public var idNumber: String
    public var joinedOn: CalendarDate?
    public var category: String
    public var branch: String
    public var branchCode: String
    public var leftOn: CalendarDate?
    public var destination: String
    public var addressEmployer: String
    public var reason: String
    public var phone: String
    public var inflowOrg: String
    public var arrived: Bool
    public var pairContact: String
    public var lastContact: CalendarDate?
    public var status: String
    public var note: String

    public init(
        name: String, sex: String, ethnicity: String, birthDate: CalendarDate?, education: String, idNumber: String,
        joinedOn: CalendarDate?, category: String, branch: String, branchCode: String, leftOn: CalendarDate?,
        destination: String, addressEmployer: String, reason: String, phone: String, inflowOrg: String, arrived: Bool,
        pairContact: String = "", lastContact: CalendarDate?, status: String, note: String = ""
    ) {
        self.name = name
        self.sex = sex
        self.ethnicity = ethnicity
        self.birthDate = birthDate
        self.education = education
        self.idNumber = idNumber
        self.joinedOn = joinedOn
        self.category = category
        self.branch = branch
        self.branchCode = branchCode
        self.leftOn = leftOn
        self.destination = destination
        self.addressEmployer = addressEmployer
        self.reason = reason
        self.phone = phone
        self.inflowOrg = inflowOrg
        self.arrived = arrived
        self.pairContact = pairContact
        self.lastContact = lastContact
        self.status = status
        self.note = note
    }

    /// A cell as the page and the CSV show it.
    public func text(_ column: LedgerColumn, serial: Int) -> String {
        switch column {
        case .serial: return "\(serial)"
        case .name: return name
        case .sex: return sex
        case .ethnicity: return ethnicity
        case .birthMonth: return birthDate.map { String(format: "%04d.%02d", $0.year, $0.month) } ?? ""
        case .education: return education
        case .idNumber: return idNumber
        case .joinedOn: return joinedOn?.description ?? ""
        case .category: return category
        case .branch: return branch
        case .leftOn: return leftOn?.description ?? ""
        case .destination: return destination
        case .addressEmployer: return addressEmployer
        case .reason: return reason
        case .phone: return phone
        case .inflowOrg: return inflowOrg
        case .arrived: return arrived ? "是" : "否"
        case .pairContact: return pairContact
        case .lastContact: return lastContact?.description ?? ""
        case .status: return status
        case .note: return note
        }
    }

    /// The date a date column holds (nil for text columns).
    public func date(_ column: LedgerColumn) -> CalendarDate? {
        switch column {
        case .birthMonth: return birthDate.flatMap { CalendarDate(year: $0.year, month: $0.month, day: 1) }
        case .joinedOn: return joinedOn
        case .leftOn: return leftOn
        case .lastContact: return lastContact
        default: return nil
        }
    }
}

/// Ledger titles: “XX党支部流动党员信息台账（2026年第二季度）”.
public enum LedgerTitle {
    public static func make(orgName: String, quarter: Quarter) -> String {
        "\(orgName)流动党员信息台账（\(quarter.chinese)）"
    }
}
