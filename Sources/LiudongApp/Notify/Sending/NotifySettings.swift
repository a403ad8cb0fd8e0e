import Foundation
import LiudongCore

/// How messages go out: the SMS provider and its keys, the signature, template codes per event, the formalism rules
/// (quiet hours, weekly cap), the sender's pace. Read from the environment once (`Settings.fromEnvironment`).
public struct NotifySettings: Sendable, Equatable {
    /// `LIUDONG_SMS_PROVIDER=aliyun` (Alibaba Cloud SMS); nil: no SMS — messages stay in the inbox and the group list.
    public var provider: String? = nil
    public var accessKeyID = ""
    public var accessKeySecret = ""
    /// The signature the phone shows as 【…】 (`LIUDONG_SMS_SIGN_NAME`, as registered with the provider).
    public var signName = "赤峰流动党员之家"
    /// `LIUDONG_SMS_TEMPLATES=contactToConfirm=SMS_1234,quizOpen=SMS_5678,…`: the provider's template code per event.
    public var templates: [NotifyEvent: String] = [:]
    public var endpoint = "https://dysmsapi.aliyuncs.com/"
    /// The secret path segment of the delivery-report callback (`LIUDONG_SMS_CALLBACK_TOKEN`); nil: no callback.
    public var callbackToken: String? = nil
    /// Requests per second toward the provider from one node (`LIUDONG_SMS_PER_SECOND`).
    public var perSecond = 50
    /// Requests in flight at once from one node (`LIUDONG_NOTIFY_CONCURRENCY`).
    public var concurrency = 16
    /// `LIUDONG_NOTIFY_IN_PROCESS=1`: `serve` sends too, every few seconds (besides or instead of the cron command).
    public var inProcess = false
    public var policy = NotifyRules.Policy()

    public init() {}

    static func parse(_ env: [String: String], problems: inout [String]) -> NotifySettings {
        var s = NotifySettings()
        func text(_ k: String) -> String? { env[k].flatMap { $0.isEmpty ? nil : $0 } }
        func int(_ k: String, _ d: Int, _ range: ClosedRange<Int>) -> Int {
            guard let raw = text(k) else { return d }
            guard let v = Int(raw), range.contains(v) else {
                problems.append("\(k) must be an integer in \(range.lowerBound)...\(range.upperBound)")
                return d
            }
            return v
        }
        if let p = text("LIUDONG_SMS_PROVIDER") {
            if p == "aliyun" { s.provider = p } else { problems.append("LIUDONG_SMS_PROVIDER must be aliyun") }
        }
        s.accessKeyID = text("LIUDONG_SMS_ACCESS_KEY_ID") ?? ""
        s.accessKeySecret = text("LIUDONG_SMS_ACCESS_KEY_SECRET") ?? ""
        if s.provider != nil, s.accessKeyID.isEmpty || s.accessKeySecret.isEmpty {
            problems.append(
                "LIUDONG_SMS_ACCESS_KEY_ID and LIUDONG_SMS_ACCESS_KEY_SECRET are needed with LIUDONG_SMS_PROVIDER")
        }
        if let sign = text("LIUDONG_SMS_SIGN_NAME") { s.signName = sign }
        if let raw = text("LIUDONG_SMS_TEMPLATES") {
            for pair in raw.split(separator: ",") {
                let kv = pair.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
                guard kv.count == 2, let e = NotifyEvent(rawValue: kv[0]), !kv[1].isEmpty else {
                    problems.append("LIUDONG_SMS_TEMPLATES: \(pair) is not event=TEMPLATE_CODE")
                    continue
                }
                s.templates[e] = kv[1]
            }
        }
        if let url = text("LIUDONG_SMS_ENDPOINT") {
            if url.hasPrefix("https://") || url.hasPrefix("http://") {
                s.endpoint = url
            } else {
                problems.append("LIUDONG_SMS_ENDPOINT must be an http(s) URL")
            }
        }
        if let token = text("LIUDONG_SMS_CALLBACK_TOKEN") {
            if token.count >= 16 {
                s.callbackToken = token
            } else {
                problems.append("LIUDONG_SMS_CALLBACK_TOKEN: 16 characters at least")
            }
        }
        s.perSecond = int("LIUDONG_SMS_PER_SECOND", 50, 1...10000)
        s.concurrency = int("LIUDONG_NOTIFY_CONCURRENCY", 16, 1...512)
        s.inProcess = ["1", "true", "yes"].contains((env["LIUDONG_NOTIFY_IN_PROCESS"] ?? "").lowercased())
        if let raw = text("LIUDONG_NOTIFY_QUIET_HOURS") {
            if let q = NotifyRules.QuietHours.parse(raw) {
                s.policy.quiet = q
            } else {
                problems.append("LIUDONG_NOTIFY_QUIET_HOURS must be HH:MM-HH:MM or off")
            }
        }
        s.policy.weeklyCap = int("LIUDONG_NOTIFY_WEEKLY_CAP", 3, 0...50)
        return s
    }
}
