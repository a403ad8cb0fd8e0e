/// Fixed vocabularies of the national party-member system, with their Chinese labels.
public protocol Labelled: RawRepresentable, CaseIterable, Sendable where RawValue == String {
    var label: String { get }
}

extension Labelled {
    public init?(label: String) {
        guard let found = Self.allCases.first(where: { $0.label == label || $0.rawValue == label }) else { return nil }
        self = found
    }
}

/// 学历.
public enum Education: String, Codable, Labelled {
    case postgraduate, undergraduate, college, highSchool, technical, middleSchool, primary
    public var label: String {
        switch self {
        case .postgraduate: return "研究生"
        case .undergraduate: return "大学本科"
        case .college: return "大学专科"
        case .highSchool: return "高中"
        case .technical: return "中专"
        case .middleSchool: return "初中"
        case .primary: return "小学及以下"
        }
    }
}

/// 人员类别.
public enum MemberCategory: String, Codable, Labelled {
    case full, probationary
    public var label: String { self == .full ? "正式党员" : "预备党员" }
}

/// Level of an organization in our own tree.
public enum OrgLevel: String, Codable, Labelled {
    case city, county, committee, generalBranch, branch
    public var label: String {
        switch self {
        case .city: return "市委"
        case .county: return "旗县区"
        case .committee: return "基层党委"
        case .generalBranch: return "党总支"
        case .branch: return "党支部"
        }
    }
    /// Levels an organization of this level may hold directly.
    public var allowedChildren: [OrgLevel] {
        switch self {
        case .city: return [.county]
        case .county: return [.committee]
        case .committee: return [.generalBranch, .branch]
        case .generalBranch: return [.branch]
        case .branch: return []
        }
    }
}

/// What kind of organization: in our tree, a mobile-member organization, or an inflow-side one outside it.
public enum OrgKind: String, Codable, Labelled {
    case regular, mobile, external
    public var label: String {
        switch self {
        case .regular: return "党组织"
        case .mobile: return "流动党员党组织"
        case .external: return "流入地党组织"
        }
    }
}

/// What a mobile-member organization is built on.
public enum MobileBasis: String, Codable, Labelled {
    case chamber, office, temporary, joint
    public var label: String {
        switch self {
        case .chamber: return "依托商会"
        case .office: return "依托驻外办事处"
        case .temporary: return "临时党组织"
        case .joint: return "联合党组织"
        }
    }
}

/// What an account may do; the scope organization says where.
public enum Role: String, Codable, Labelled {
    case admin, orgDept, committee, secretary, inflow
    public var label: String {
        switch self {
        case .admin: return "系统管理员"
        case .orgDept: return "组织部"
        case .committee: return "基层党委"
        case .secretary: return "支部书记"
        case .inflow: return "流入地党组织"
        }
    }
}
