import Crypto
import Foundation

/// Alibaba Cloud SMS (阿里云短信服务) `SendSms`, API version 2017-05-25, called RPC style: every parameter in the
/// form, signed with HMAC-SHA1 over the sorted, percent-encoded parameters ("签名机制", SignatureVersion 1.0):
///
///     StringToSign = METHOD + "&" + percentEncode("/") + "&" + percentEncode(canonicalized query)
///     Signature    = Base64(HMAC-SHA1(AccessKeySecret + "&", StringToSign))
///
/// and its delivery reports (短信发送状态报告, `SmsReport`) pushed over HTTP as a JSON array.
public enum AliyunSMS {
    public struct Credentials: Sendable, Equatable {
        public var accessKeyID: String
        public var accessKeySecret: String
        public init(accessKeyID: String, accessKeySecret: String) {
            self.accessKeyID = accessKeyID
            self.accessKeySecret = accessKeySecret
        }
    }

    /// RFC 3986 encoding as the signature mechanism wants it: unreserved characters (A–Z a–z 0–9 - _ . ~) stay,
    /// everything else as %XX of its UTF-8 bytes, upper-case hex (so a space is %20, `*` is %2A, `~` stays).
    public static func percentEncode(_ s: String) -> String {
        var out = ""
        out.reserveCapacity(s.utf8.count)
        for b in s.utf8 {
            switch b {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"),
                UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "_"), UInt8(ascii: "."),
                UInt8(ascii: "~"):
                out.unicodeScalars.append(Unicode.Scalar(b))
            default:
                out += "%"
                out += String(b, radix: 16, uppercase: true).leftPadded(to: 2)
            }
        }
        return out
    }

    /// The parameters sorted by name (byte order), each name and value encoded, joined with `&`.
    public static func canonicalQuery(_ params: [String: String]) -> String {
        params.sorted { Array($0.key.utf8).lexicographicallyPrecedes(Array($1.key.utf8)) }
            .map { percentEncode($0.key) + "=" + percentEncode($0.value) }.joined(separator: "&")
    }

    public static func stringToSign(method: String, params: [String: String]) -> String {
        method + "&" + percentEncode("/") + "&" + percentEncode(canonicalQuery(params))
    }

    public static func signature(method: String, params: [String: String], secret: String) -> String {
        let key = SymmetricKey(data: Data((secret + "&").utf8))
        let mac = HMAC<Insecure.SHA1>.authenticationCode(
            for: Data(stringToSign(method: method, params: params).utf8), using: key)
        return Data(mac).base64EncodedString()
    }

    /// `2017-07-12T02:42:19Z`: UTC, whole seconds.
    public static func timestamp(_ t: Date) -> String {
        let f = ISO8601DateFormatter()
        f.formatOptions = [.withInternetDateTime]
        f.timeZone = TimeZone(identifier: "UTC")
        return f.string(from: t)
    }

    /// The whole signed parameter set of one `SendSms` call (the `Signature` among them).
    public static func sendSms(
        phone: String, signName: String, templateCode: String, templateParam: String, outID: String,
        credentials: Credentials, nonce: String, at t: Date, method: String = "POST"
    ) -> [String: String] {
        var p: [String: String] = [
            "AccessKeyId": credentials.accessKeyID, "Action": "SendSms", "Format": "JSON",
            "PhoneNumbers": phone, "RegionId": "cn-hangzhou", "SignName": signName,
            "SignatureMethod": "HMAC-SHA1", "SignatureNonce": nonce, "SignatureVersion": "1.0",
            "TemplateCode": templateCode, "TemplateParam": templateParam, "Timestamp": timestamp(t),
            "Version": "2017-05-25", "OutId": outID,
        ]
        p["Signature"] = signature(method: method, params: p, secret: credentials.accessKeySecret)
        return p
    }

    /// `TemplateParam`: the event's parameters as a JSON object, keys sorted.
    public static func templateParam(_ params: [String: String]) -> String {
        let data = (try? JSONSerialization.data(withJSONObject: params, options: [.sortedKeys])) ?? Data("{}".utf8)
        return String(decoding: data, as: UTF8.self)
    }

    /// The answer to `SendSms`: `{"Code":"OK","Message":"OK","BizId":"…","RequestId":"…"}`.
    public struct Answer: Decodable, Sendable {
        public var Code: String?
        public var Message: String?
        public var BizId: String?
        public var RequestId: String?
    }

    public enum Outcome: Equatable, Sendable {
        case accepted(bizID: String)
        /// Worth another attempt later (throttled, the provider's own trouble, balance to be topped up).
        case retry(String)
        /// Will never succeed as sent (a bad number, a rejected template or signature).
        case permanent(String)
    }

    /// Throttling and the provider's transient errors (`isp.*`) are retried; the rest of the `isv.*` errors are not.
    static let retried: Set<String> = [
        "isv.BUSINESS_LIMIT_CONTROL", "Throttling.User", "Throttling", "isv.AMOUNT_NOT_ENOUGH",
        "isv.OUT_OF_SERVICE", "ServiceUnavailable", "InternalError",
    ]

    public static func outcome(status: Int, body: Data) -> Outcome {
        let answer = try? JSONDecoder().decode(Answer.self, from: body.prefix(64 * 1024))
        let code = answer?.Code ?? ""
        let message = "\(code) \(answer?.Message ?? "")".trimmingCharacters(in: .whitespaces)
        if status == 200, code == "OK" { return .accepted(bizID: answer?.BizId ?? "") }
        if status == 429 || status >= 500 || retried.contains(code) || code.hasPrefix("isp.") {
            return .retry(message.isEmpty ? "HTTP \(status)" : message)
        }
        return .permanent(message.isEmpty ? "HTTP \(status)" : message)
    }

    /// One delivery report as Alibaba Cloud pushes it (`SmsReport`): `[{"phone_number":"…","send_time":"…",
    /// "report_time":"…","success":true,"err_code":"DELIVERED","err_msg":"用户接收成功","sms_size":"1",
    /// "biz_id":"…","out_id":"…"}]`.
    public struct Report: Decodable, Sendable, Equatable {
        public var phone_number: String?
        public var success: Bool?
        public var err_code: String?
        public var err_msg: String?
        public var biz_id: String?
        public var out_id: String?
        public var report_time: String?
    }

    /// The largest report body read, and the reports one push may carry.
    public static let reportBodyLimit = 1 << 20
    public static let reportsPerPush = 1000

    public static func reports(_ body: Data) -> [Report]? {
        guard body.count <= reportBodyLimit, let all = try? JSONDecoder().decode([Report].self, from: body),
            all.count <= reportsPerPush
        else { return nil }
        return all
    }
}

extension String {
    fileprivate func leftPadded(to n: Int) -> String {
        count >= n ? self : String(repeating: "0", count: n - count) + self
    }
}
