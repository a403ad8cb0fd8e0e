import Foundation

/// The rules of sending, against formalism and for people's sleep: quiet hours (deferred, not dropped), a weekly cap
/// of non-urgent messages per member (the rest merged into one digest or left in the inbox), each member's switches,
/// the same message never twice within a day, retries with backoff. Pure: the sender gives the facts, these decide.
public enum NotifyRules {
    /// Beijing time has no daylight saving: UTC+8 all year.
    static let beijing: TimeInterval = 8 * 3600

    /// Hours in which nothing but security messages is sent, in Beijing time: from `start` to `end` minutes after
    /// midnight (crossing midnight when start > end). Equal start and end: no quiet hours.
    public struct QuietHours: Equatable, Sendable {
        public var start: Int
        public var end: Int
        public init(start: Int, end: Int) {
            self.start = start
            self.end = end
        }
        public static let standard = QuietHours(start: 21 * 60, end: 8 * 60)

        /// Parses "21:00-08:00" (or "off").
        public static func parse(_ raw: String) -> QuietHours? {
            let s = raw.trimmingCharacters(in: .whitespaces)
            if s.lowercased() == "off" { return QuietHours(start: 0, end: 0) }
            let parts = s.split(separator: "-")
            guard parts.count == 2, let a = minutes(parts[0]), let b = minutes(parts[1]) else { return nil }
            return QuietHours(start: a, end: b)
        }

        static func minutes(_ s: Substring) -> Int? {
            let hm = s.split(separator: ":")
            guard hm.count == 2, hm[0].count <= 2, hm[1].count == 2, let h = Int(hm[0]), let m = Int(hm[1]),
                (0..<24).contains(h), (0..<60).contains(m)
            else { return nil }
            return h * 60 + m
        }

        /// Minutes after Beijing midnight of an instant.
        static func minuteOfDay(_ t: Date) -> Int {
            let s = t.timeIntervalSince1970 + beijing
            let day = (s / 86400).rounded(.down) * 86400
            return Int(((s - day) / 60).rounded(.down)) % 1440
        }

        public func contains(_ t: Date) -> Bool {
            guard start != end else { return false }
            let m = Self.minuteOfDay(t)
            return start < end ? (m >= start && m < end) : (m >= start || m < end)
        }

        /// The first instant after `t` outside quiet hours (`t` itself when it is outside).
        public func next(after t: Date) -> Date {
            guard contains(t) else { return t }
            let m = Self.minuteOfDay(t)
            var wait = end - m
            if wait <= 0 { wait += 1440 }
            // To the whole minute of the end, Beijing time.
            let s = t.timeIntervalSince1970
            let intoMinute = s - (s / 60).rounded(.down) * 60
            return Date(timeIntervalSince1970: s - intoMinute + TimeInterval(wait * 60))
        }

        public var text: String {
            start == end ? "不设" : String(format: "%02d:%02d—%02d:%02d", start / 60, start % 60, end / 60, end % 60)
        }
    }

    /// Monday 00:00 Beijing time of the week holding `t`.
    public static func weekStart(_ t: Date) -> Date {
        let s = t.timeIntervalSince1970 + beijing
        let days = (s / 86400).rounded(.down)
        // 1970-01-01 was a Thursday: day 0 → weekday index 3 (Monday = 0).
        let weekday = (Int(days) % 7 + 7 + 3) % 7
        return Date(timeIntervalSince1970: (days - Double(weekday)) * 86400 - beijing)
    }

    /// Why a message went out by no SMS (it stays in the inbox and the branch's list).
    public enum Held: String, Sendable, Equatable, CaseIterable {
        case preference, weeklyCap, digested, noPhone, noProvider, noTemplate

        public var label: String {
            switch self {
            case .preference: return "本人已关闭此类短信"
            case .weeklyCap: return "本周短信已达上限，留在站内消息"
            case .digested: return "已合并到汇总短信"
            case .noPhone: return "名册中没有可收短信的手机号"
            case .noProvider: return "未配置短信服务商"
            case .noTemplate: return "未配置该事件的短信模板"
            }
        }
    }

    /// A queued message of one recipient, as the planner sees it.
    public struct Pending: Equatable, Sendable {
        public var id: Int64
        public var category: NotifyCategory
        /// The provider has a template for its event.
        public var hasTemplate: Bool
        public init(id: Int64, category: NotifyCategory, hasTemplate: Bool = true) {
            self.id = id
            self.category = category
            self.hasTemplate = hasTemplate
        }
    }

    /// What the sender knows of one recipient now.
    public struct Recipient: Equatable, Sendable {
        public var muted: Set<NotifyCategory>
        public var hasPhone: Bool
        /// Non-urgent SMS already sent (or being sent) this week, digests included.
        public var sentThisWeek: Int
        public init(muted: Set<NotifyCategory> = [], hasPhone: Bool = true, sentThisWeek: Int = 0) {
            self.muted = muted
            self.hasPhone = hasPhone
            self.sentThisWeek = sentThisWeek
        }
    }

    public struct Policy: Equatable, Sendable {
        public var quiet: QuietHours
        public var weeklyCap: Int
        public init(quiet: QuietHours = .standard, weeklyCap: Int = 3) {
            self.quiet = quiet
            self.weeklyCap = weeklyCap
        }
    }

    /// One recipient's batch decided: sent one by one, merged into one digest SMS, deferred, or held in the inbox.
    public struct Plan: Equatable, Sendable {
        public var send: [Int64] = []
        /// Merged into one digest SMS (never a single message: one would be sent as itself).
        public var digest: [Int64] = []
        public var deferred: [Int64] = []
        public var deferUntil: Date? = nil
        public var held: [Int64: Held] = [:]
    }

    /// Decides a recipient's due messages (`pending` in order of creation) at `now`.
    public static func plan(_ pending: [Pending], for r: Recipient, policy: Policy, now: Date) -> Plan {
        var plan = Plan()
        var candidates: [Int64] = []
        for p in pending {
            if !r.hasPhone {
                plan.held[p.id] = .noPhone
            } else if !p.hasTemplate {
                plan.held[p.id] = .noTemplate
            } else if p.category.alwaysOn {
                plan.send.append(p.id)
            } else if r.muted.contains(p.category) {
                plan.held[p.id] = .preference
            } else if policy.quiet.contains(now) {
                plan.deferred.append(p.id)
                plan.deferUntil = policy.quiet.next(after: now)
            } else {
                candidates.append(p.id)
            }
        }
        let room = max(0, policy.weeklyCap - max(0, r.sentThisWeek))
        if candidates.count <= room {
            plan.send += candidates
        } else if room == 0 {
            for id in candidates { plan.held[id] = .weeklyCap }
        } else {
            // The last slot of the week carries a digest of everything that did not fit.
            plan.send += candidates.prefix(room - 1)
            plan.digest = Array(candidates.dropFirst(room - 1))
        }
        return plan
    }

    /// Attempts before a message that keeps failing is given up as failed.
    public static let maxAttempts = 6

    /// Wait before the next attempt after `attempts` failed ones: 30 s, 1, 2, 4, 8 min … at most an hour.
    public static func retryDelay(afterAttempts attempts: Int) -> TimeInterval {
        let n = min(max(attempts, 1), 8)
        return min(3600, 30 * Double(1 << (n - 1)))
    }

    /// Within this long the same message to the same recipient is not made again.
    public static let dedupeWindow: TimeInterval = 86400

    /// The key two identical messages share: recipient, event and parameters (in a fixed order).
    public static func dedupeText(recipient: String, event: NotifyEvent, params: [String: String]) -> String {
        ([recipient, event.rawValue] + event.parameters.map { "\($0)=\(params[$0] ?? "")" }).joined(separator: "\u{1F}")
    }
}
