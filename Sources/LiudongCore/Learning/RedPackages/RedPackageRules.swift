import Foundation

/// A red package as mailed, checked: its items one per line.
public struct CheckedPackage: Equatable, Sendable {
    public var items: [String]
    public var sentOn: CalendarDate
    public var courier: String
    public var trackingNo: String
}

/// A red-package campaign (红色包裹) as set up, checked.
public struct CheckedPackageCampaign: Equatable, Sendable {
    public var name: String
    /// The standard contents, one item per line.
    public var items: [String]
    /// The budget in fen (分).
    public var budgetFen: Int
}

/// How a package was mailed, checked.
public struct CheckedShipment: Equatable, Sendable {
    public var sentOn: CalendarDate
    public var courier: String
    public var trackingNo: String
}

/// The member's answer: 收到 or 未收到.
public enum PackageAnswer: String, Codable, Sendable, CaseIterable {
    case received, notReceived
}

/// Why a package did not arrive.
public enum NotReceivedReason: String, Codable, Sendable, CaseIterable {
    case wrongAddress, damaged, other

    public var label: String {
        switch self {
        case .wrongAddress: return "地址有误"
        case .damaged: return "包裹破损"
        case .other: return "其他原因"
        }
    }
}

/// The member's answer as given, checked.
public struct CheckedAnswer: Equatable, Sendable {
    public var answer: PackageAnswer
    public var reason: NotReceivedReason?
    public var note: String?
    public var reflection: String?

    public init(answer: PackageAnswer, reason: NotReceivedReason?, note: String?, reflection: String?) {
        self.answer = answer
        self.reason = reason
        self.note = note
        self.reflection = reflection
    }
}

/// Where one package stands.
public enum PackageState: String, Codable, Sendable, CaseIterable {
    /// In a campaign, not mailed yet (no tracking number).
    case waiting
    /// Mailed, no answer yet.
    case sent
    /// Mailed more than 30 days ago, no answer.
    case late
    case received
    case notReceived

    public var label: String {
        switch self {
        case .waiting: return "待寄出"
        case .sent: return "已寄出，待确认"
        case .late: return "寄出超过30天未确认"
        case .received: return "已收到"
        case .notReceived: return "未收到"
        }
    }
}

/// A campaign's progress in one branch (or in all of them).
public struct PackageProgress: Equatable, Sendable {
    public var branch: String
    public var recipients = 0
    public var sent = 0
    public var received = 0
    public var notReceived = 0
    /// Mailed and not answered (late ones included).
    public var unanswered = 0
    public var late = 0

    public init(branch: String) { self.branch = branch }

    /// Received ÷ recipients in whole percent (0 with none).
    public var receivedPercent: Int { recipients == 0 ? 0 : received * 100 / recipients }

    mutating func add(_ s: PackageState) {
        recipients += 1
        if s != .waiting { sent += 1 }
        switch s {
        case .received: received += 1
        case .notReceived: notReceived += 1
        case .sent: unanswered += 1
        case .late:
            unanswered += 1
            late += 1
        case .waiting: break
        }
    }
}

/// The decisions of red packages (红色包裹, measure 4c): campaigns with standard contents and a budget, recipients
/// with an address, tracking numbers, and the member's answer. Messages are the flash a page shows.
public enum RedPackageRules {
    /// Days after which an unanswered package is the branch's to follow up.
    public static let confirmDays = 30
    /// Recipients one campaign may hold.
    public static let maxRecipients = 5000
    /// The largest budget: 100 million yuan.
    public static let maxBudgetFen = 10_000_000_000

    /// A package mailed by itself: 1 to 30 items of at most 100 characters, one per line, and how it was mailed.
    public static func package(
        contents: String?, sentOn: String?, courier: String?, trackingNo: String?, today: CalendarDate
    ) -> Result<CheckedPackage, RuleError> {
        let items: [String]
        switch self.items(contents) {
        case .success(let i): items = i
        case .failure(let e): return .failure(e)
        }
        return shipment(sentOn: sentOn, courier: courier, trackingNo: trackingNo, today: today).map {
            CheckedPackage(items: items, sentOn: $0.sentOn, courier: $0.courier, trackingNo: $0.trackingNo)
        }
    }

    /// Contents: 1 to 30 items of at most 100 characters, one per line.
    public static func items(_ contents: String?) -> Result<[String], RuleError> {
        let items = (contents ?? "").split(whereSeparator: \.isNewline).compactMap { Normalize.text(String($0)) }
        guard !items.isEmpty, items.count <= 30, items.allSatisfy({ $0.count <= 100 }) else {
            return .failure(.field("contents", "请逐行填写包裹内容（每行一项，最多30项）"))
        }
        return .success(items)
    }

    /// Mailed on a day not after today, by a courier (at most 30 characters) with a tracking number (4 to 40 letters,
    /// digits or `-`).
    public static func shipment(sentOn: String?, courier: String?, trackingNo: String?, today: CalendarDate)
        -> Result<CheckedShipment, RuleError>
    {
        guard let day = Normalize.text(sentOn).flatMap({ CalendarDate($0) }), day <= today,
            day >= today.adding(days: -366),
            let courier = Normalize.text(courier), courier.count <= 30,
            let tracking = Normalize.text(trackingNo).map({ Normalize.key($0).uppercased() }),
            (1...40).contains(tracking.count),
            tracking.unicodeScalars.allSatisfy({ ("A"..."Z").contains($0) || ("0"..."9").contains($0) || $0 == "-" })
        else {
            return .failure(.field("sentOn", "请填写寄出日期（一年内、不晚于今天）、快递公司和运单号（字母、数字，40位以内）"))
        }
        return .success(CheckedShipment(sentOn: day, courier: courier, trackingNo: tracking))
    }

    /// A campaign: a name (at most 40 characters), its standard contents and a budget in yuan (up to two decimals).
    public static func campaign(name: String?, contents: String?, budget: String?) -> Result<
        CheckedPackageCampaign, RuleError
    > {
        var problems: [RuleProblem] = []
        let name = Normalize.text(name)
        if name == nil || (name?.count ?? 0) > 40 { problems.append(RuleProblem("name", "请填写活动名称（40字以内）")) }
        var items: [String] = []
        switch self.items(contents) {
        case .success(let i): items = i
        case .failure(.invalid(let p)): problems += p
        case .failure(let e): return .failure(e)
        }
        let fen = self.budget(budget)
        if fen == nil { problems.append(RuleProblem("budget", "预算请填写金额（元，最多两位小数，不超过1亿元）")) }
        guard problems.isEmpty, let name, let fen else { return .failure(.invalid(problems)) }
        return .success(CheckedPackageCampaign(name: name, items: items, budgetFen: fen))
    }

    /// Yuan as typed ("12000", "12,000.5", "￥800") in fen; nil when it is not an amount or above the largest budget.
    public static func budget(_ raw: String?) -> Int? {
        guard var t = Normalize.text(raw).map({ Normalize.key($0) }) else { return nil }
        for mark in ["￥", "¥", ",", "，", "元"] { t = t.replacingOccurrences(of: mark, with: "") }
        let parts = t.split(separator: ".", omittingEmptySubsequences: false)
        guard (1...2).contains(parts.count), let whole = parts.first, (1...9).contains(whole.count),
            whole.allSatisfy({ $0.isASCII && $0.isNumber })
        else { return nil }
        let cents = parts.count == 2 ? parts[1] : ""
        guard cents.count <= 2, cents.allSatisfy({ $0.isASCII && $0.isNumber }), let y = Int(whole) else { return nil }
        let f = Int(cents.padding(toLength: 2, withPad: "0", startingAt: 0)) ?? 0
        let total = y * 100 + f
        return total <= maxBudgetFen ? total : nil
    }

    /// Fen as yuan for a page: "12,000.50元" (whole yuan without decimals).
    public static func yuan(_ fen: Int) -> String {
        let y = fen / 100
        let f = fen % 100
        var digits = String(y)
        var grouped = ""
        while digits.count > 3 {
            grouped = "," + digits.suffix(3) + grouped
            digits.removeLast(3)
        }
        return digits + grouped + (f == 0 ? "" : String(format: ".%02d", f)) + "元"
    }

    /// A mailing address: 5 to 200 characters.
    public static func address(_ raw: String?) -> Result<String, RuleError> {
        guard let a = Normalize.text(raw), (5...200).contains(a.count) else {
            return .failure(.field("address", "请填写收件地址（5至200字）"))
        }
        return .success(a)
    }

    /// The address a campaign prefills from the flow: the destination's full name before the flow's street address
    /// (unless the street address already starts with its province); nil when the flow has neither.
    public static func prefilledAddress(destination: String, street: String?) -> String? {
        let street = Normalize.text(street) ?? ""
        let dest = destination.trimmingCharacters(in: .whitespaces)
        let joined = (dest.count >= 2 && street.hasPrefix(String(dest.prefix(2)))) ? street : dest + street
        let a = String(joined.prefix(200))
        return a.isEmpty ? nil : a
    }

    /// The member's answer: 收到 with an optional reflection (at most 1,000 characters), or 未收到 with a reason
    /// (another reason needs a few words).
    public static func answer(received: String?, reason: String?, note: String?, reflection: String?) -> Result<
        CheckedAnswer, RuleError
    > {
        let reflection = Normalize.text(reflection)
        guard (reflection?.count ?? 0) <= 1000 else {
            return .failure(.field("reflection", "学习心得请控制在1000字以内"))
        }
        let note = Normalize.text(note)
        guard (note?.count ?? 0) <= 200 else { return .failure(.field("note", "说明请控制在200字以内")) }
        switch Normalize.text(received) {
        case "yes", "received", "true", "1":
            return .success(CheckedAnswer(answer: .received, reason: nil, note: nil, reflection: reflection))
        case "no", "notReceived", "false", "0":
            guard let r = Normalize.text(reason).flatMap(NotReceivedReason.init(rawValue:)) else {
                return .failure(.field("reason", "请选择未收到的原因"))
            }
            if r == .other, note == nil { return .failure(.field("note", "请简要说明原因")) }
            return .success(CheckedAnswer(answer: .notReceived, reason: r, note: note, reflection: reflection))
        default:
            return .failure(.field("received", "请选择“收到”或“未收到”"))
        }
    }

    /// Where a package stands: not mailed (no tracking number), answered, or waiting for an answer (late after 30
    /// days).
    public static func state(
        trackingNo: String, sentOn: String, answer: PackageAnswer?, confirmedOn: String?,
        today: CalendarDate
    ) -> PackageState {
        if confirmedOn != nil || answer == .received { return .received }
        if trackingNo.isEmpty { return .waiting }
        if answer == .notReceived { return .notReceived }
        return unconfirmedLate(sentOn: sentOn, confirmedOn: confirmedOn, today: today) ? .late : .sent
    }

    /// Whether a package mailed on `sentOn` is still unconfirmed past the time to confirm.
    public static func unconfirmedLate(sentOn: String, confirmedOn: String?, today: CalendarDate) -> Bool {
        confirmedOn == nil && !sentOn.isEmpty && sentOn < today.adding(days: -confirmDays).description
    }

    /// Progress per branch (in the order branches first appear) and the total.
    public static func progress(_ rows: [(branch: String, state: PackageState)]) -> (
        branches: [PackageProgress], total: PackageProgress
    ) {
        var order: [String] = []
        var by: [String: PackageProgress] = [:]
        var total = PackageProgress(branch: "合计")
        for r in rows {
            if by[r.branch] == nil {
                order.append(r.branch)
                by[r.branch] = PackageProgress(branch: r.branch)
            }
            by[r.branch]?.add(r.state)
            total.add(r.state)
        }
        return (order.compactMap { by[$0] }, total)
    }

    /// The budget per recipient in fen (0 with none).
    public static func perRecipient(budgetFen: Int, recipients: Int) -> Int {
        recipients > 0 ? budgetFen / recipients : 0
    }
}

/// The columns of a tracking-number list: the package number from the campaign's list, the courier and the number.
public enum TrackingColumn: String, SheetColumn {
    case number, name, courier, trackingNo, sentOn

    public var aliases: [String] {
        switch self {
        case .number: return ["包裹编号", "编号", "序号"]
        case .name: return ["姓名", "收件人", "党员姓名"]
        case .courier: return ["快递公司", "快递", "承运公司"]
        case .trackingNo: return ["运单号", "快递单号", "单号", "运单编号"]
        case .sentOn: return ["寄出日期", "寄件日期", "发货日期"]
        }
    }
    public static let required: [TrackingColumn] = [.number, .trackingNo]
    public static let noHeaderMessage = "前30行中没有找到表头：至少应有“包裹编号”“运单号”两列（请用本活动下载的名单填写）"
}

/// A tracking-number list from .xlsx or CSV.
public typealias TrackingSheet = HeaderedSheet<TrackingColumn>
