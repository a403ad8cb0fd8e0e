import Foundation

/// What a message is about, as a member switches them on and off (`/my/notifications`). Security messages are always
/// on and are neither deferred by quiet hours nor counted in the weekly cap.
public enum NotifyCategory: String, CaseIterable, Sendable, Codable {
    case security, contact, quiz, orgLife, checkIn, request, redPackage, certificate, sixMonth, dues, transfer, digest

    public var label: String {
        switch self {
        case .security: return "账号安全（激活码、密码）"
        case .contact: return "结对联系待确认"
        case .quiz: return "每周一学开放"
        case .orgLife: return "组织生活提醒"
        case .checkIn: return "异地参加组织生活记入"
        case .request: return "诉求办理进展"
        case .redPackage: return "红色包裹寄出"
        case .certificate: return "活动证到期提醒"
        case .sixMonth: return "党员六个月无联系提醒（给党支部书记）"
        case .dues: return "党费提醒"
        case .transfer: return "组织关系转接"
        case .digest: return "消息汇总"
        }
    }

    /// Security messages: always sent, at any hour, outside the weekly cap.
    public var alwaysOn: Bool { self == .security }

    /// The categories a member may switch off (shown on the preferences form).
    public static var switchable: [NotifyCategory] {
        allCases.filter { !$0.alwaysOn && $0 != .digest && $0 != .sixMonth }
    }
}

/// One event that sends a message: its category, its parameters, its text (one 70-character SMS segment with the
/// signature where the parameters allow), and whether it shows in the member's inbox. Adding an event is a case here,
/// its text, and one `Notify.enqueue` call where the change happens.
public enum NotifyEvent: String, CaseIterable, Sendable, Codable {
    case activationCode, contactToConfirm, quizOpen, orgLifeTomorrow, checkInCredited
    case requestAcknowledged, requestAnswered, requestTransferred, redPackageSent, certificateExpiring
    case sixMonthAlert, duesArrears, duesPaid, transferLetterIssued, transferArrived, digest

    public var category: NotifyCategory {
        switch self {
        case .activationCode: return .security
        case .contactToConfirm: return .contact
        case .quizOpen: return .quiz
        case .orgLifeTomorrow: return .orgLife
        case .checkInCredited: return .checkIn
        case .requestAcknowledged, .requestAnswered, .requestTransferred: return .request
        case .redPackageSent: return .redPackage
        case .certificateExpiring: return .certificate
        case .sixMonthAlert: return .sixMonth
        case .duesArrears, .duesPaid: return .dues
        case .transferLetterIssued, .transferArrived: return .transfer
        case .digest: return .digest
        }
    }

    public var label: String {
        switch self {
        case .activationCode: return "手机端激活码"
        case .contactToConfirm: return "结对联系请确认"
        case .quizOpen: return "每周一学开放"
        case .orgLifeTomorrow: return "明天的组织生活"
        case .checkInCredited: return "异地参加组织生活已记入"
        case .requestAcknowledged: return "诉求已受理"
        case .requestAnswered: return "诉求已答复"
        case .requestTransferred: return "诉求已转办"
        case .redPackageSent: return "红色包裹已寄出"
        case .certificateExpiring: return "活动证30天后到期"
        case .sixMonthAlert: return "党员六个月无联系"
        case .duesArrears: return "党费欠交提醒"
        case .duesPaid: return "党费已收到"
        case .transferLetterIssued: return "介绍信已开具"
        case .transferArrived: return "组织关系转接完成"
        case .digest: return "消息汇总"
        }
    }

    /// The parameters the text uses, in the order the provider's template declares them.
    public var parameters: [String] {
        switch self {
        case .activationCode: return ["code"]
        case .contactToConfirm: return ["cadre", "date", "method"]
        case .quizOpen: return ["week"]
        case .orgLifeTomorrow: return ["kind", "time", "place"]
        case .checkInCredited: return ["org", "event"]
        case .requestAcknowledged, .requestAnswered: return ["title"]
        case .requestTransferred: return ["title", "org"]
        case .redPackageSent: return ["what"]
        case .certificateExpiring: return ["date"]
        case .sixMonthAlert: return ["name"]
        case .duesArrears: return ["months"]
        case .duesPaid: return ["months", "amount"]
        case .transferLetterIssued: return ["org", "date"]
        case .transferArrived: return ["org"]
        case .digest: return ["count"]
        }
    }

    /// Longest text a parameter may carry into a message (longer values are cut with "…").
    public static let parameterLimit = 12

    /// The text of the message (without the signature), from the parameters (missing ones read as empty).
    public func text(_ p: [String: String]) -> String {
        func v(_ k: String) -> String { Self.clip(p[k] ?? "") }
        switch self {
        case .activationCode: return "您的流动党员之家激活码为\(v("code"))，14天内有效，请勿告诉他人。"
        case .contactToConfirm: return "\(v("cadre"))记录了\(v("date"))与您的\(v("method"))，请登录“我的”确认。"
        case .quizOpen: return "本周（\(v("week"))）每周一学已开放，请于周日前登录“我的”作答。"
        case .orgLifeTomorrow: return "明天\(v("time"))在\(v("place"))召开\(v("kind"))，请准时参加。"
        case .checkInCredited: return "您在\(v("org"))参加的\(v("event"))已记入组织生活。"
        case .requestAcknowledged: return "您的诉求“\(v("title"))”已受理，办理进展请看“我的”。"
        case .requestAnswered: return "您的诉求“\(v("title"))”已答复，请登录“我的”查看并评价。"
        case .requestTransferred: return "您的诉求“\(v("title"))”已转\(v("org"))办理。"
        case .redPackageSent: return "党组织为您寄出红色包裹（\(v("what"))），请留意查收。"
        case .certificateExpiring: return "您的流动党员活动证将于\(v("date"))到期，请联系党支部查验。"
        case .sixMonthAlert: return "党员\(v("name"))已超过六个月没有联系，请核实是否失联。"
        case .duesArrears: return "您已\(v("months"))个月未交党费，请及时交纳或联系党支部。"
        case .duesPaid: return "已收到您\(v("months"))的党费\(v("amount"))元，谢谢。"
        case .transferLetterIssued: return "您的组织关系介绍信已开具，请于\(v("date"))前到\(v("org"))报到。"
        case .transferArrived: return "您的组织关系已转入\(v("org"))。"
        case .digest: return "您有\(v("count"))条新消息，请登录流动党员之家“我的”查看。"
        }
    }

    /// Whether the message shows in the member's inbox (an activation code does not: the member cannot sign in yet,
    /// and a code is a secret).
    public var inInbox: Bool { self != .activationCode && self != .digest }

    /// Parameters that are secrets: sealed in the outbox, never stored in clear.
    public var secret: Bool { self == .activationCode }

    /// The whole SMS as the phone shows it: signature and text.
    public func sms(_ p: [String: String], signature: String) -> String { "【\(signature)】" + text(p) }

    static func clip(_ s: String) -> String {
        let t = s.trimmingCharacters(in: .whitespacesAndNewlines)
        return t.count <= parameterLimit ? t : String(t.prefix(parameterLimit - 1)) + "…"
    }

    /// One SMS segment: 70 characters (longer messages go out as 67-character parts, each charged).
    public static let segment = 70
}
