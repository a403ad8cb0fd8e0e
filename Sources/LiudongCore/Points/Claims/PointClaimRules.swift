import Crypto
import Foundation

/// Where a claim (积分申报) stands; the raw value is what `point_claims.status` holds.
public enum ClaimStatus: String, Codable, Sendable {
    case pending, approved, rejected

    public var label: String {
        switch self {
        case .pending: return "待审核"
        case .approved: return "已通过"
        case .rejected: return "未通过"
        }
    }
}

/// Where an appeal (积分申诉) stands; the raw value is what `point_appeals.status` holds.
public enum AppealStatus: String, Codable, Sendable {
    case pending, upheld, rejected

    public var label: String {
        switch self {
        case .pending: return "申诉处理中"
        case .upheld: return "申诉成立，已撤销"
        case .rejected: return "申诉未成立"
        }
    }
}

/// A claim as checked, ready to store.
public struct PointClaimDraft: Equatable, Sendable {
    public var itemCode: String
    public var on: CalendarDate
    public var description: String
    /// The description folded and hashed (`PointClaimRules.textKey`).
    public var textKey: String
    public var photo: ScanKind?
}

/// The rules of claims and appeals: what a member may claim and when, that the same deed is not claimed twice, what
/// a decision needs, and when an entry may be appealed.
public enum PointClaimRules {
    public static let maxPhotoBytes = 5 * 1024 * 1024
    /// How far back a deed may be claimed.
    public static let windowDays = 90

    /// The description folded for comparison — without spaces and punctuation, half-width, lower case — and hashed.
    public static func textKey(_ s: String) -> String {
        let folded = Normalize.halfWidth(s).lowercased().unicodeScalars
            .filter {
                !CharacterSet.whitespacesAndNewlines.contains($0) && !CharacterSet.punctuationCharacters.contains($0)
                    && !CharacterSet.symbols.contains($0)
            }
        return Hex.encode(SHA256.hash(data: Data(String(String.UnicodeScalarView(folded)).utf8)))
    }

    /// The day a form names, read.
    public static func day(_ text: String?) -> CalendarDate? { Normalize.text(text).flatMap { CalendarDate($0) } }

    /// The day whose rule version lists the items one may claim: the deed's day when it is within the window,
    /// otherwise today.
    public static func itemsDay(_ day: CalendarDate?, today: CalendarDate) -> CalendarDate {
        guard let day, day <= today, day >= today.adding(days: -windowDays) else { return today }
        return day
    }

    /// A claim: a day within the last 90 days and after the closed period, an item one may claim (`items`: the claim
    /// items of the version in effect on `itemsDay`), 10–1000 characters, and at most a 5 MB JPG or PNG photo.
    public static func claim(
        itemCode: String?, on: String?, description: String?, photo: [UInt8]?, today: CalendarDate,
        closed: CalendarDate?, items: [PointItem]
    ) -> Result<PointClaimDraft, RuleError> {
        var problems: [RuleProblem] = []
        let day = day(on)
        if let day {
            if day > today || day < today.adding(days: -windowDays) {
                problems.append(RuleProblem("on", "日期应为今天或90天以内"))
            } else if let closed, day <= closed {
                problems.append(RuleProblem("on", "\(closed)及以前的积分已结算，不能再申报"))
            }
        } else {
            problems.append(RuleProblem("on", "请填写事情发生的日期（YYYY-MM-DD）"))
        }
        let code = Normalize.text(itemCode)?.uppercased() ?? ""
        if !items.contains(where: { $0.code.uppercased() == code }) {
            problems.append(
                RuleProblem(
                    "itemCode",
                    "请选择可申报的项目"
                        + (items.isEmpty ? "" : "（\(items.map { "\($0.code) \($0.name)" }.joined(separator: "、"))）")))
        }
        let text = Normalize.text(description) ?? ""
        if text.count < 10 || text.count > 1000 { problems.append(RuleProblem("description", "请用10–1000字说明做了什么")) }
        var kind: ScanKind?
        if let photo {
            if photo.count > maxPhotoBytes {
                problems.append(RuleProblem("photo", "照片超过5MB，请压缩后再上传"))
            } else if let k = ScanKind.sniff(photo), k != .pdf {
                kind = k
            } else {
                problems.append(RuleProblem("photo", "照片应为 JPG 或 PNG 图片"))
            }
        }
        guard problems.isEmpty, let day else { return .failure(.invalid(problems)) }
        return .success(
            PointClaimDraft(itemCode: code, on: day, description: text, textKey: textKey(text), photo: kind))
    }

    /// A claim already made with the same text, or the same photo: the same deed, refused.
    public static func duplicate(sameText: Bool, samePhoto: Bool) -> RuleError? {
        if sameText { return .conflict("您已申报过内容相同的事项，同一件事不能重复申报") }
        if samePhoto { return .conflict("这张照片已用于您的另一项申报，同一件事不能重复申报") }
        return nil
    }

    /// Deciding a claim: only a pending one; a refusal gives its reason (kept to 500 characters).
    public static func decide(_ status: ClaimStatus, approve: Bool, reason: String?) -> Result<String?, RuleError> {
        guard status == .pending else { return .failure(.conflict("这项申报已经处理过")) }
        let reason = Normalize.text(reason).map { String($0.prefix(500)) }
        if !approve, reason == nil { return .failure(.field("reason", "不通过时请写明理由")) }
        return .success(reason)
    }

    /// The appealed entry as the ledger holds it.
    public struct AppealedEntry: Sendable {
        public var on: String
        public var status: String
        public var closedThrough: String?
        /// The year's publication is in its notice period (公示期): an objection reopens a closed entry.
        public var objectionOpen: Bool

        public init(on: String, status: String, closedThrough: String?, objectionOpen: Bool = false) {
            self.on = on
            self.status = status
            self.closedThrough = closedThrough
            self.objectionOpen = objectionOpen
        }
    }

    /// An appeal of one of the member's own entries: a reason of 5–500 characters, an entry in an open period, not
    /// revoked, and no other appeal of it pending. Answers the reason.
    public static func appeal(entry: AppealedEntry?, reason: String?, pendingAppeal: Bool) -> Result<String, RuleError>
    {
        guard let entry else { return .failure(.field("entryId", "找不到这条积分记录")) }
        let reason = Normalize.text(reason) ?? ""
        guard (5...500).contains(reason.count) else { return .failure(.field("reason", "请用5–500字写明申诉理由")) }
        if let closed = entry.closedThrough, entry.on <= closed, !entry.objectionOpen {
            return .failure(.conflict("这条记录所在期间已结算（\(closed)及以前），不能再申诉"))
        }
        if entry.status == EntryStatus.revoked.rawValue { return .failure(.conflict("这条记录已撤销")) }
        if pendingAppeal { return .failure(.conflict("这条记录的申诉正在处理中")) }
        return .success(reason)
    }

    /// Deciding an appeal: only a pending one, with the outcome the member will read (kept to 500 characters).
    public static func decideAppeal(_ status: AppealStatus, outcome: String?) -> Result<String, RuleError> {
        guard status == .pending else { return .failure(.conflict("这项申诉已经处理过")) }
        guard let outcome = Normalize.text(outcome).map({ String($0.prefix(500)) }) else {
            return .failure(.field("outcome", "请写明处理意见，党员本人会看到"))
        }
        return .success(outcome)
    }
}
