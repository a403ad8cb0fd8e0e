import Foundation

/// Which side a cadre paired with a mobile member belongs to; the raw value is what `pairings.side` holds.
public enum PairingSide: String, Codable, CaseIterable, Sendable, Labelled {
    case outflow, inflow
    public var label: String { self == .outflow ? "流出地" : "流入地" }
}

/// The facts a new pairing is judged by (read by the store; nil where nothing was found).
public struct PairingFacts: Sendable {
    /// The member exists and the account sees them.
    public var memberFound: Bool
    /// The member has an open flow.
    public var flowOpen: Bool
    /// The flow's inflow organization, if the member reported to one.
    public var inflowOrgID: Int?
    /// The cadre's organization, if the code names one: its id, whether the account covers it, whether it is a
    /// regular organization, whether the member's branch is under it.
    public var org: (id: Int, inScope: Bool, regular: Bool, aboveMember: Bool)?
    /// The form named an account and it is in the cadre's organization (nil: no account named).
    public var accountFits: Bool?
    /// Open pairings of the cadre's phone now.
    public var load: Int
    /// The cadre of the member's open pairing on the same side, if any.
    public var existingCadre: String?

    public init(
        memberFound: Bool, flowOpen: Bool, inflowOrgID: Int?,
        org: (id: Int, inScope: Bool, regular: Bool, aboveMember: Bool)?,
        accountFits: Bool?, load: Int, existingCadre: String?
    ) {
        self.memberFound = memberFound
        self.flowOpen = flowOpen
        self.inflowOrgID = inflowOrgID
        self.org = org
        self.accountFits = accountFits
        self.load = load
        self.existingCadre = existingCadre
    }
}

/// A pairing as checked, ready to store (the phone in its normal form, to seal and hash).
public struct PairingDraft: Equatable, Sendable {
    public var side: PairingSide
    public var name: String
    public var post: String
    public var phone: String
}

/// The rules of pairing (结对帮带): who may be paired with whom, each cadre's cap, and ending a pairing.
public enum PairingRules {
    public static let posts = ["党委书记", "党委副书记", "党委委员", "支部书记", "支部副书记", "支部委员", "班子成员", "党员骨干"]

    /// The cadre's phone, read.
    public static func phone(_ text: String?) -> String? {
        if case .success(let p) = Phone.parse(text ?? "") { return p }
        return nil
    }

    /// Every field of a new pairing, each problem on its field; the cap and an existing pairing on the same side are
    /// judged only once everything else is right.
    public static func pairing(
        side: String?, name: String?, post: String?, phone: String?, facts f: PairingFacts, cap: Int
    ) -> Result<PairingDraft, RuleError> {
        var problems: [RuleProblem] = []
        let s = side.flatMap(PairingSide.init(rawValue:))
        if s == nil { problems.append(RuleProblem("side", "side 应为 outflow（流出地）或 inflow（流入地）")) }
        let n = Normalize.text(name)
        if n == nil || (n?.count ?? 0) > 40 { problems.append(RuleProblem("cadre.name", "请填写结对人姓名（40字以内）")) }
        let p = Normalize.text(post)
        if p == nil || (p?.count ?? 0) > 40 { problems.append(RuleProblem("cadre.post", "请填写结对人职务，如支部书记、班子成员")) }
        var number: String?
        switch Phone.parse(phone ?? "") {
        case .success(let x): number = x
        case .failure(let x): problems.append(RuleProblem("cadre.phone", x == .empty ? "请填写结对人电话" : x.message))
        }
        if f.memberFound {
            if !f.flowOpen { problems.append(RuleProblem("memberId", "该党员没有进行中的流动，无需结对")) }
        } else {
            problems.append(RuleProblem("memberId", "该党员不存在或不在您的管理范围内"))
        }
        if let org = f.org, f.memberFound, f.flowOpen, let s {
            if !org.inScope {
                problems.append(RuleProblem("cadre.orgCode", "该党组织不在您的管理范围内"))
            } else if s == .outflow {
                if !org.aboveMember || !org.regular {
                    problems.append(RuleProblem("cadre.orgCode", "流出地结对人应来自党员所在党支部或其上级党组织"))
                }
            } else if f.inflowOrgID == nil {
                problems.append(RuleProblem("side", "该党员尚未到流入地党组织报到，暂不能安排流入地结对人"))
            } else if f.inflowOrgID != org.id {
                problems.append(RuleProblem("cadre.orgCode", "流入地结对人应来自党员报到的流入地党组织"))
            }
        } else if f.org == nil {
            problems.append(RuleProblem("cadre.orgCode", "请填写结对人所在党组织代码"))
        }
        if f.accountFits == false {
            problems.append(RuleProblem("cadre.account", "没有该账号，或该账号不属于结对人所在党组织"))
        }
        if number != nil, problems.isEmpty, f.load >= cap {
            problems.append(RuleProblem("cadre.phone", "该结对人已结对\(f.load)名党员，达到每人\(cap)名的上限"))
        }
        if let s, problems.isEmpty, let existing = f.existingCadre {
            problems.append(RuleProblem("side", "该党员已有\(s.label)结对人（\(existing)），请先解除"))
        }
        guard problems.isEmpty, let s, let n, let p, let number else { return .failure(.invalid(problems)) }
        return .success(PairingDraft(side: s, name: n, post: p, phone: number))
    }

    /// Ending a pairing by hand: a reason of at most 200 characters, once.
    public static func end(endedOn: String?, reason: String?) -> Result<String, RuleError> {
        guard let reason = Normalize.text(reason), reason.count <= 200 else {
            return .failure(.field("reason", "请填写解除结对的原因（200字以内）"))
        }
        guard endedOn == nil else { return .failure(.conflict("该结对已于\(endedOn ?? "")解除")) }
        return .success(reason)
    }

    /// Why the daily safety net ends a pairing: the flow closed, or the member moved to another branch.
    public static func staleReason(flowClosed: Bool) -> String { flowClosed ? "流动已结束" : "党员组织关系已转至其他党支部" }
}
