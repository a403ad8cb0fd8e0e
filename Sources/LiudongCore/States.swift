/// Stored states, each with its Chinese label in one place. The raw values are what the database holds.

/// A reconciliation item: open until someone (or a later run that finds the records agree) resolves it.
public enum ItemStatus: String, Codable, Labelled {
    case open, resolved
    public var label: String {
        switch self {
        case .open: return "待处理"
        case .resolved: return "已处理"
        }
    }
}

/// How a reconciliation item was resolved.
public enum ItemResolution: String, Codable, Labelled {
    case fixed, accepted, explained, consistent
    public var label: String {
        switch self {
        case .fixed: return "已修正"
        case .accepted: return "已采纳对方"
        case .explained: return "已说明"
        case .consistent: return "已一致"
        }
    }
}

/// What a notice in an organization's inbox is about.
public enum NoticeKind: String, Codable, Labelled {
    case report, arrival, returned, overdue, lost, contact, request, organization, left
    public var label: String {
        switch self {
        case .left: return "党员离开"
        case .organization: return "组织变动"
        case .request: return "诉求办理"
        case .contact: return "结对联系"
        case .report: return "新报告"
        case .arrival: return "报到"
        case .returned: return "退回"
        case .overdue: return "逾期未报到"
        case .lost: return "失联待确认"
        }
    }
}

/// What an entry of a member's event log records.
public enum MemberEventKind: String, Codable, Labelled {
    case created, updated, flow, report, contact, reconciliation, transfer, exit
    public var label: String {
        switch self {
        case .transfer: return "组织关系转接"
        case .exit: return "党员减少"
        case .created: return "建档"
        case .updated: return "修改"
        case .flow: return "流动"
        case .report: return "报告"
        case .contact: return "联系"
        case .reconciliation: return "对账"
        }
    }
}

/// How an inflow organization's quarterly list reached the system.
public enum InflowListSource: String, Codable, Labelled {
    case upload, confirmed
    public var label: String {
        switch self {
        case .upload: return "上传"
        case .confirmed: return "确认"
        }
    }
}

/// What an entry of an organization's history records.
public enum OrganizationEventKind: String, Codable, Labelled {
    case created, renamed, updated, moved, closed
    public var label: String {
        switch self {
        case .created: return "设立"
        case .renamed: return "更名"
        case .updated: return "修改"
        case .moved: return "调整隶属"
        case .closed: return "撤销"
        }
    }
}

/// What an import brings in: the national system's export (全国党员管理信息系统导出) or an inflow organization's
/// ledger (流入地台账).
public enum ImportKind: String, Codable, CaseIterable, Sendable {
    case national, inflow

    /// The file as the import pages name it.
    public var label: String { self == .inflow ? "流入地台账" : "全国党员管理信息系统导出" }
    /// What the audit line says was imported.
    public var noun: String { self == .inflow ? "流入地台账" : "全国系统数据" }
    /// The audit log's object type.
    public var auditObject: String { self == .inflow ? "inflow-ledger" : "national" }

    /// A form's value: an inflow ledger when it says so, else the national export.
    public init(form raw: String?) { self = raw == ImportKind.inflow.rawValue ? .inflow : .national }
}
