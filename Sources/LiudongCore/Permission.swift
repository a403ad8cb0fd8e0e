/// What an account may do. Which subtree it may do it in is the scope's business (`CurrentUser`), not this table's.
public enum Permission: String, CaseIterable, Codable, Sendable {
    /// Its own home page, worklist, inbox, password and `/api/v1/me`.
    case ownAccount
    case viewOrganizations
    case editOrganizations
    case viewMembers
    case editRoster
    /// Whole ID numbers and phones on a member's page (each reveal audited with a reason).
    case revealNumbers
    /// Ledger exports with whole ID numbers and phones (audited with a reason).
    case exportFullNumbers
    case manageAccounts
    case readAudit
    /// Confirm or return arrivals reported to the account's organizations.
    case reviewArrivals
    /// Confirm or return every kind of report about the account's own members (outflow, change, return).
    case reviewHomeReports
    /// Decide flagged flows: confirm lost contact, record contact.
    case decideFlows
    case printPosters
    case viewLedgers
    case viewStatistics
    case viewReconciliation
    case runReconciliation
    case importNational
    /// Submit the inflow side's quarterly list (upload or confirm) as an inflow organization.
    case actForInflowOrganization
    /// Issue a member's one-time activation code for the phone side (audited).
    case issueActivationCodes
    /// Pair cadres with mobile members and end pairings (the inflow side: its own side's pairings).
    case managePairings
    /// Record a quarterly contact (电话随访、视频约访、上门走访) with a paired member.
    case recordContacts
    /// Contact compliance, the half-year contact report and the hearings (听取联络情况汇报).
    case viewContactReports
    /// See co-management agreements of one's own organizations (both sides) and confirm them as the other side.
    case viewAgreements
    /// Sign, renew and terminate agreements; let members take part in mobile organizations; act on suggestions.
    case manageAgreements
    /// Issue, check (年审) and revoke members' activity certificates.
    case manageCertificates
    /// Hold organizational life (组织生活) of the organizations in scope and record who attended (an inflow or
    /// mobile organization's account for its own).
    case recordOrgLife
    /// The learning measure: publish courses and quizzes (city, county, committee), read diaries, plan study
    /// delivered home, send red packages.
    case manageLearning
    /// Publish to the learning menu and the weekly quiz (the city, a county, a committee: not a branch).
    case publishLearning
    /// Points (积分制管理): decide members' claims and appeals, talk with long-term low scorers, see rankings in scope.
    case reviewPoints
    /// A county's point rules, settings, quarterly closing and year-end publication (the city: which counties pilot).
    case managePoints
    /// Requests (诉求办理) routed or escalated to the account's organizations: accept, answer, transfer, statistics;
    /// record a need heard in a contact as a request.
    case handleRequests
    /// The city's working-day calendar, the deadlines of requests and the legal service stations (city scope).
    case manageServiceSettings
    /// The register of members in difficulty (困难党员), help given, and visits of care campaigns (节日慰问).
    case keepCareRegister
    /// Start care campaigns (the city or a county).
    case runCareCampaigns
    /// The talent register of mobile members (人才库), kept by their branches; opportunities and projects in scope.
    case keepTalentRegister
    /// Publish home-side opportunities and record returning-entrepreneur projects (the city or a county).
    case manageTalent
    /// Recognition (评优表彰): a branch nominates its mobile members, the committee and then the county approve.
    case nominateAwards
    /// Start award campaigns with quotas per county and publish the result (the city or a county).
    case runAwards
    case recordDues
    case manageDues

    public var label: String {
        switch self {
        case .ownAccount: return "本账号首页、待办与消息"
        case .viewOrganizations: return "查看组织"
        case .editOrganizations: return "维护组织"
        case .viewMembers: return "查看党员"
        case .editRoster: return "维护花名册"
        case .revealNumbers: return "查看完整身份证号和手机号"
        case .exportFullNumbers: return "导出完整身份证号"
        case .manageAccounts: return "账号管理"
        case .readAudit: return "审计日志"
        case .reviewArrivals: return "确认到达报到"
        case .reviewHomeReports: return "审核本组织党员的报告"
        case .decideFlows: return "处理逾期与失联"
        case .printPosters: return "打印报到二维码"
        case .viewLedgers: return "查看台账"
        case .viewStatistics: return "查看统计"
        case .viewReconciliation: return "查看对账"
        case .runReconciliation: return "运行对账"
        case .importNational: return "导入全国系统数据"
        case .actForInflowOrganization: return "以流入地党组织身份报送名单"
        case .issueActivationCodes: return "发放党员账号激活码"
        case .managePairings: return "结对安排"
        case .recordContacts: return "记录结对联系"
        case .viewContactReports: return "联络情况统计与半年汇报"
        case .viewAgreements: return "查看共管协议"
        case .manageAgreements: return "共管协议与流动党员党组织"
        case .manageCertificates: return "流动党员活动证"
        case .recordOrgLife: return "组织生活记录"
        case .manageLearning: return "学习教育（点学、每周一学、日记、送学、红色包裹）"
        case .publishLearning: return "发布点学课程和每周一学"
        case .reviewPoints: return "积分审核、申诉、约谈与排名"
        case .managePoints: return "积分规则、结算与评比公布"
        case .handleRequests: return "诉求受理、答复、转办与统计"
        case .manageServiceSettings: return "工作日历、诉求时限与法律服务站"
        case .keepCareRegister: return "困难党员帮扶与节日慰问登记"
        case .runCareCampaigns: return "发起节日慰问活动"
        case .keepTalentRegister: return "流动党员人才库"
        case .manageTalent: return "发布回引岗位与政策、登记返乡创业项目"
        case .nominateAwards: return "评优表彰推荐与审核"
        case .runAwards: return "发起评优表彰、分配名额与公布"
        case .recordDues: return "党费基数与收缴登记"
        case .manageDues: return "党费规则与少交免交审批"
        }
    }
}

extension Role {
    /// The one table of who may do what. Handlers and navigation ask `permissions`; nothing else compares roles.
    /// Built once (every page asks dozens of times: building the sets each time showed in the profiles).
    public var permissions: Set<Permission> { Self.table[self] ?? [] }

    private static let table: [Role: Set<Permission>] = Dictionary(
        uniqueKeysWithValues: Role.allCases.map { ($0, $0.computedPermissions) })

    private var computedPermissions: Set<Permission> {
        let everyone: Set<Permission> = [
            .ownAccount, .viewOrganizations, .viewMembers, .reviewArrivals, .viewLedgers,
            .viewReconciliation, .printPosters, .managePairings, .recordContacts, .viewAgreements, .handleRequests,
        ]
        let tree: Set<Permission> = everyone.union([
            .editRoster, .revealNumbers, .reviewHomeReports, .decideFlows,
            .viewStatistics, .issueActivationCodes, .viewContactReports, .manageAgreements,
            .manageCertificates, .recordOrgLife, .manageLearning, .reviewPoints, .keepCareRegister, .keepTalentRegister,
            .nominateAwards, .recordDues,
        ])
        let department: Set<Permission> = tree.union([
            .editOrganizations, .exportFullNumbers, .readAudit,
            .runReconciliation, .importNational, .publishLearning, .managePoints, .runCareCampaigns, .manageTalent,
            .runAwards, .manageDues,
        ])
        switch self {
        case .admin: return department.union([.manageAccounts, .manageServiceSettings])
        case .orgDept: return department
        case .committee: return tree.union([.publishLearning, .manageDues])
        case .secretary: return tree
        case .inflow: return everyone.union([.actForInflowOrganization, .recordOrgLife, .recordDues])
        }
    }

    public func can(_ permission: Permission) -> Bool { permissions.contains(permission) }
}

extension Role {
    /// Where an account of this role may sit in the tree; nil when `kind`/`level` fits, else the reason in Chinese.
    public func misfit(kind: OrgKind, level: OrgLevel?) -> String? {
        switch self {
        case .admin: return level == .city || level == .county ? nil : "系统管理员应属于市或旗县区"
        case .orgDept: return level == .city || level == .county ? nil : "组织部账号应属于市或旗县区"
        case .committee: return level == .committee || level == .generalBranch ? nil : "基层党委账号应属于基层党委或党总支"
        case .secretary: return kind == .regular && level == .branch ? nil : "支部书记账号应属于党支部"
        case .inflow: return kind == .external || kind == .mobile ? nil : "流入地账号应属于流入地党组织或流动党员党组织"
        }
    }
}
