import Foundation
import LiudongCore
import Vapor

/// A provider of SMS: sends one message by its template and parameters, and answers accepted / retry / permanent.
protocol SMSProvider: Sendable {
    var name: String { get }
    func send(phone: String, templateCode: String, params: [String: String], outID: String) async -> AliyunSMS.Outcome
}

/// Alibaba Cloud SMS `SendSms` over HTTPS: a form POST of the signed parameters (the phone travels in the body, never
/// in a URL that a proxy would log).
struct AliyunSMSProvider: SMSProvider {
    let name = "aliyun"
    let settings: NotifySettings
    let client: Client

    func send(phone: String, templateCode: String, params: [String: String], outID: String) async -> AliyunSMS.Outcome {
        let signed = AliyunSMS.sendSms(
            phone: phone, signName: settings.signName, templateCode: templateCode,
            templateParam: AliyunSMS.templateParam(params), outID: outID,
            credentials: .init(accessKeyID: settings.accessKeyID, accessKeySecret: settings.accessKeySecret),
            nonce: UUID().uuidString, at: AppClock.system)  // the provider checks it against real time
        var req = ClientRequest(method: .POST, url: URI(string: settings.endpoint))
        req.headers.contentType = .urlEncodedForm
        req.headers.replaceOrAdd(name: .accept, value: "application/json")
        req.body = ByteBuffer(string: AliyunSMS.canonicalQuery(signed))
        req.timeout = .seconds(10)
        do {
            let res = try await client.send(req)
            let body = res.body.map { Data(buffer: $0) } ?? Data()
            return AliyunSMS.outcome(status: Int(res.status.code), body: body)
        } catch {
            return .retry("网络错误：\(String(describing: error).prefix(120))")
        }
    }
}

/// Requests per second toward the provider, from this node: a token bucket refilled continuously.
actor SMSPace {
    private let perSecond: Double
    private var tokens: Double
    private var last: Date

    init(perSecond: Int) {
        self.perSecond = Double(max(1, perSecond))
        self.tokens = Double(max(1, perSecond))
        self.last = AppClock.system
    }

    /// Waits until one more request may go.
    func take() async {
        while true {
            let now = AppClock.system
            tokens = min(perSecond, tokens + now.timeIntervalSince(last) * perSecond)
            last = now
            if tokens >= 1 {
                tokens -= 1
                return
            }
            let wait = (1 - tokens) / perSecond
            try? await Task.sleep(nanoseconds: UInt64(max(0.001, wait) * 1_000_000_000))
        }
    }
}
