import Crypto
import Fluent
import Foundation
import LiudongCore
import SQLKit
import Testing
import VaporTesting

@testable import LiudongApp

/// A local stand-in for `dysmsapi.aliyuncs.com` that checks each request as the SMS documentation specifies — a form
/// POST to `/`, every common and `SendSms` parameter present with its documented value, a UTC timestamp, the
/// signature recomputed here from the received parameters (sorted, RFC 3986, HMAC-SHA1 with the secret and `&`) —
/// and answers by the phone: success, throttling (`isv.BUSINESS_LIMIT_CONTROL`) or a bad number.
final class LocalAliyun: @unchecked Sendable {
    let app: Application
    let port: Int
    let secret: String
    private let lock = NSLock()
    private var _checked: [[String: String]] = []
    var checked: [[String: String]] { lock.withLock { _checked } }

    static func decode(_ body: String) -> [String: String] {
        var out: [String: String] = [:]
        for pair in body.split(separator: "&") {
            let kv = pair.split(separator: "=", maxSplits: 1).map(String.init)
            guard kv.count == 2 else { continue }
            out[kv[0].removingPercentEncoding ?? kv[0]] = kv[1].removingPercentEncoding ?? kv[1]
        }
        return out
    }

    /// The documented signature, written here apart from the app's.
    static func sign(_ p: [String: String], method: String, secret: String) -> String {
        let unreserved = CharacterSet(
            charactersIn: "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.~")
        func enc(_ s: String) -> String { s.addingPercentEncoding(withAllowedCharacters: unreserved) ?? "" }
        let query = p.keys.sorted { Array($0.utf8).lexicographicallyPrecedes(Array($1.utf8)) }
            .map { enc($0) + "=" + enc(p[$0]!) }.joined(separator: "&")
        let text = method + "&" + enc("/") + "&" + enc(query)
        let mac = HMAC<Insecure.SHA1>.authenticationCode(
            for: Data(text.utf8), using: SymmetricKey(data: Data((secret + "&").utf8)))
        return Data(mac).base64EncodedString()
    }

    init(secret: String) async throws {
        self.secret = secret
        app = try await Application.make(.testing)
        app.logger.logLevel = .error
        let server = app
        var seen: LocalAliyun?
        app.post { req async -> Response in
            let form = Self.decode(req.body.string ?? "")
            let json: (HTTPStatus, String) = {
                let required: [String: String?] = [
                    "Action": "SendSms", "Format": "JSON", "Version": "2017-05-25", "RegionId": "cn-hangzhou",
                    "SignatureMethod": "HMAC-SHA1", "SignatureVersion": "1.0", "AccessKeyId": "test-key-id",
                    "SignName": "赤峰流动党员之家",
                ]
                guard req.headers.contentType == .urlEncodedForm else {
                    return (.badRequest, #"{"Code":"InvalidContentType"}"#)
                }
                for (k, v) in required where form[k] != v {
                    return (.badRequest, #"{"Code":"MissingParameter","Message":"\#(k)"}"#)
                }
                for k in [
                    "PhoneNumbers", "TemplateCode", "TemplateParam", "SignatureNonce", "Timestamp", "OutId",
                    "Signature",
                ]
                where (form[k] ?? "").isEmpty {
                    return (.badRequest, #"{"Code":"MissingParameter","Message":"\#(k)"}"#)
                }
                guard let ts = form["Timestamp"], ts.hasSuffix("Z"), ISO8601DateFormatter().date(from: ts) != nil,
                    (try? JSONSerialization.jsonObject(with: Data(form["TemplateParam"]!.utf8))) is [String: Any]
                else { return (.badRequest, #"{"Code":"InvalidTimeStamp.Format"}"#) }
                var unsigned = form
                let given = unsigned.removeValue(forKey: "Signature")
                guard given == Self.sign(unsigned, method: "POST", secret: seen!.secret) else {
                    return (
                        .badRequest,
                        #"{"Code":"SignatureDoesNotMatch","Message":"Specified signature is not matched with our calculation."}"#
                    )
                }
                seen!.lock.withLock { seen!._checked.append(form) }
                switch form["PhoneNumbers"] {
                case "13904761234":
                    return (.ok, #"{"Message":"OK","RequestId":"r-1","BizId":"900619746936498440^0","Code":"OK"}"#)
                case "15004769999":
                    return (
                        .ok, #"{"Message":"触发号码天级流控Permits:10","RequestId":"r-2","Code":"isv.BUSINESS_LIMIT_CONTROL"}"#
                    )
                default:
                    return (.ok, #"{"Message":"非法手机号","RequestId":"r-3","Code":"isv.MOBILE_NUMBER_ILLEGAL"}"#)
                }
            }()
            let res = Response(status: json.0, body: .init(string: json.1))
            res.headers.contentType = .json
            _ = server
            return res
        }
        try await app.server.start(address: .hostname("127.0.0.1", port: 0))
        port = app.http.server.shared.localAddress?.port ?? 0
        seen = self
    }

    func stop() async throws {
        await app.server.shutdown()
        try await app.asyncShutdown()
    }
}

@Suite("通知 by Alibaba Cloud SMS: the adapter against a local provider that checks the documented request")
struct AliyunSMSAdapterTests {
    @Test(arguments: TestDatabase.all)
    func theAdapterSendsSignedRequestsAndTheSenderRecordsEachAnswer(db: TestDatabase) async throws {
        let provider = try await LocalAliyun(secret: "test-secret-XYZ")
        do {
            try await withTestApp(db) { app in
                let f = try await Fixture.build(app)
                var s = NotifyFixture.allTemplates
                s.accessKeyID = "test-key-id"
                s.accessKeySecret = "test-secret-XYZ"
                s.endpoint = "http://127.0.0.1:\(provider.port)/"
                s.policy = .init(quiet: .init(start: 0, end: 0), weeklyCap: 10)
                let adapter = AliyunSMSProvider(settings: s, client: app.client)
                // Straight: accepted, throttled, refused.
                #expect(
                    await adapter.send(phone: "13904761234", templateCode: "SMS_1", params: ["title": "回执"], outID: "1")
                        == .accepted(bizID: "900619746936498440^0"))
                if case .retry(let why) = await adapter.send(
                    phone: "15004769999", templateCode: "SMS_1", params: [:], outID: "2")
                {
                    #expect(why.contains("BUSINESS_LIMIT_CONTROL"))
                } else {
                    Issue.record("throttling should be retried")
                }
                if case .permanent(let why) = await adapter.send(
                    phone: "13000000000", templateCode: "SMS_1", params: [:], outID: "3")
                {
                    #expect(why.contains("MOBILE_NUMBER_ILLEGAL"))
                } else {
                    Issue.record("a bad number is permanent")
                }
                // A wrong secret is refused by the provider's check: the signature really is verified there.
                var wrong = s
                wrong.accessKeySecret = "not-the-secret"
                let refused = await AliyunSMSProvider(settings: wrong, client: app.client).send(
                    phone: "13904761234", templateCode: "SMS_1", params: [:], outID: "4")
                #expect(
                    refused
                        == .permanent("SignatureDoesNotMatch Specified signature is not matched with our calculation."))
                // Through the sender: the request carries the template, its parameters as JSON and our id.
                let id = try #require(
                    try await Notify.enqueue(
                        .requestAnswered, member: f.memberA.id!, params: ["title": "子女入学"], at: AppClock.now, on: app.db
                    ))
                let sender = NotifySender(
                    db: app.db, gate: app.writeGate, cipher: app.cipher, settings: s, provider: adapter,
                    pace: SMSPace(perSecond: 100))
                #expect(try await sender.pass(limit: 10).sent == 1)
                let last = try #require(provider.checked.last)
                #expect(last["TemplateCode"] == "SMS_requestAnswered" && last["OutId"] == "\(id)")
                #expect(last["TemplateParam"] == #"{"title":"子女入学"}"#)
                #expect(try await NotifyFixture.rows(app).first?.status == "sent")
                let pid = try await app.db.sql().raw("SELECT provider_id FROM notifications").first()?.decode(
                    column: "provider_id", as: String.self)
                #expect(pid == "900619746936498440^0")
            }
        } catch {
            try await provider.stop()
            throw error
        }
        try await provider.stop()
    }
}
