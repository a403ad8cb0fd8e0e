import Crypto
import Foundation
import Testing

@testable import LiudongCore

@Suite("通知: quiet hours, the weekly cap and digest, switches, retries, templates, the Alibaba Cloud signature")
struct NotifyRulesTests {
    /// 2026-12-07 (a Monday) at hh:mm Beijing time.
    func beijing(_ day: Int, _ h: Int, _ m: Int = 0) -> Date {
        // 2026-12-07 00:00 +08:00 = 2026-12-06 16:00 UTC.
        let base = Date(timeIntervalSince1970: 1_796_572_800)
        return base.addingTimeInterval(TimeInterval((day - 7) * 86400 + h * 3600 + m * 60))
    }

    @Test func theBaseInstantIsMondayMidnightInBeijing() {
        #expect(AliyunSMS.timestamp(beijing(7, 0)) == "2026-12-06T16:00:00Z")
        #expect(NotifyRules.weekStart(beijing(7, 0)) == beijing(7, 0))
        #expect(NotifyRules.weekStart(beijing(13, 23, 59)) == beijing(7, 0))
        #expect(NotifyRules.weekStart(beijing(14, 0)) == beijing(14, 0))
        #expect(NotifyRules.weekStart(beijing(6, 23)) == beijing(7, 0).addingTimeInterval(-7 * 86400))
    }

    @Test func quietHoursDeferToEightInTheMorningBeijingTime() {
        let q = NotifyRules.QuietHours.standard
        #expect(!q.contains(beijing(7, 20, 59)))
        #expect(q.contains(beijing(7, 21, 0)))
        #expect(q.contains(beijing(7, 23, 30)))
        #expect(q.contains(beijing(8, 7, 59)))
        #expect(!q.contains(beijing(8, 8, 0)))
        #expect(q.next(after: beijing(7, 21, 30)) == beijing(8, 8, 0))
        #expect(q.next(after: beijing(8, 3, 15)) == beijing(8, 8, 0))
        #expect(q.next(after: beijing(8, 9, 0)) == beijing(8, 9, 0))
        // Within one day, and switched off.
        let day = NotifyRules.QuietHours.parse("12:00-14:00")!
        #expect(day.contains(beijing(7, 13)) && !day.contains(beijing(7, 14)))
        #expect(!NotifyRules.QuietHours.parse("off")!.contains(beijing(7, 23)))
        #expect(NotifyRules.QuietHours.parse("25:00-08:00") == nil)
        #expect(NotifyRules.QuietHours.parse("21:00") == nil)
        #expect(NotifyRules.QuietHours.parse("21:00-08:00") == .standard)
    }

    typealias P = NotifyRules.Pending

    @Test func securityGoesAtNightOthersWaitForMorning() {
        let plan = NotifyRules.plan(
            [P(id: 1, category: .security), P(id: 2, category: .contact)], for: .init(),
            policy: .init(), now: beijing(7, 23))
        #expect(plan.send == [1])
        #expect(plan.deferred == [2])
        #expect(plan.deferUntil == beijing(8, 8))
    }

    @Test func switchesHoldACategoryButNeverSecurity() {
        let r = NotifyRules.Recipient(muted: [.quiz, .security])
        let plan = NotifyRules.plan(
            [P(id: 1, category: .quiz), P(id: 2, category: .security), P(id: 3, category: .request)], for: r,
            policy: .init(), now: beijing(7, 10))
        #expect(plan.send == [2, 3])
        #expect(plan.held == [1: .preference])
    }

    @Test func theWeeksLastSlotCarriesADigestOfTheRest() {
        let five = (1...5).map { P(id: Int64($0), category: .request) }
        // Nothing sent yet, cap 3: two singly, three merged into the third SMS.
        var plan = NotifyRules.plan(five, for: .init(sentThisWeek: 0), policy: .init(), now: beijing(7, 10))
        #expect(plan.send == [1, 2])
        #expect(plan.digest == [3, 4, 5])
        // Two sent: the last slot is one digest of all five.
        plan = NotifyRules.plan(five, for: .init(sentThisWeek: 2), policy: .init(), now: beijing(7, 10))
        #expect(plan.send.isEmpty && plan.digest == [1, 2, 3, 4, 5])
        // Cap reached: all stay in the inbox; security still goes.
        plan = NotifyRules.plan(
            five + [P(id: 9, category: .security)], for: .init(sentThisWeek: 3), policy: .init(), now: beijing(7, 10))
        #expect(plan.send == [9])
        #expect(plan.held.count == 5 && plan.held.values.allSatisfy { $0 == .weeklyCap })
        // Exactly what fits goes singly, no digest of one.
        plan = NotifyRules.plan(
            Array(five.prefix(1)), for: .init(sentThisWeek: 2), policy: .init(), now: beijing(7, 10))
        #expect(plan.send == [1] && plan.digest.isEmpty)
    }

    @Test func noPhoneOrNoTemplateHoldsTheMessageInTheInbox() {
        var plan = NotifyRules.plan(
            [P(id: 1, category: .security)], for: .init(hasPhone: false), policy: .init(), now: beijing(7, 10))
        #expect(plan.held == [1: .noPhone])
        plan = NotifyRules.plan(
            [P(id: 1, category: .quiz, hasTemplate: false)], for: .init(), policy: .init(), now: beijing(7, 10))
        #expect(plan.held == [1: .noTemplate])
    }

    @Test func onlyAMobileNumberTakesAnSMS() {
        #expect(Phone.mobile("+86 139 0476 1234") == "13904761234")
        #expect(Phone.mobile("0476-8888888") == nil)
        #expect(Phone.mobile("not a phone") == nil)
    }

    @Test func retriesBackOffToAnHour() {
        #expect(NotifyRules.retryDelay(afterAttempts: 1) == 30)
        #expect(NotifyRules.retryDelay(afterAttempts: 2) == 60)
        #expect(NotifyRules.retryDelay(afterAttempts: 5) == 480)
        #expect(NotifyRules.retryDelay(afterAttempts: 8) == 3600)
        #expect(NotifyRules.retryDelay(afterAttempts: Int.max) == 3600)
        #expect(NotifyRules.retryDelay(afterAttempts: Int.min) == 30)
    }

    @Test func everyTemplateFitsOneSegmentWithTheSignatureAtItsLongestParameters() {
        let longest = String(repeating: "长", count: 40)
        for e in NotifyEvent.allCases {
            let p = Dictionary(uniqueKeysWithValues: e.parameters.map { ($0, longest) })
            let text = e.sms(p, signature: "赤峰流动党员之家")
            // Every parameter clipped to 12 characters; the fixed text and the signature leave room for them.
            #expect(e.text(p).contains("长…"), "\(e)")
            let fixed = e.sms([:], signature: "赤峰流动党员之家").count
            #expect(fixed <= NotifyEvent.segment, "\(e): \(fixed)")
            // With typical values the message is one segment.
            #expect(text.count <= NotifyEvent.segment + 12 * max(0, e.parameters.count - 1) + 12, "\(e)")
        }
        let contact = NotifyEvent.contactToConfirm.sms(
            ["cadre": "王建国", "date": "12月7日", "method": "电话联系"], signature: "赤峰流动党员之家")
        #expect(contact == "【赤峰流动党员之家】王建国记录了12月7日与您的电话联系，请登录“我的”确认。")
        #expect(contact.count <= 70)
        #expect(NotifyEvent.activationCode.secret && !NotifyEvent.activationCode.inInbox)
        #expect(NotifyCategory.switchable.contains(.quiz) && !NotifyCategory.switchable.contains(.security))
    }

    @Test func theDedupeKeyIgnoresParametersTheEventDoesNotUse() {
        let a = NotifyRules.dedupeText(recipient: "m:1", event: .quizOpen, params: ["week": "W50", "x": "1"])
        let b = NotifyRules.dedupeText(recipient: "m:1", event: .quizOpen, params: ["week": "W50"])
        let c = NotifyRules.dedupeText(recipient: "m:2", event: .quizOpen, params: ["week": "W50"])
        #expect(a == b && a != c)
    }

    // MARK: Alibaba Cloud SMS

    /// The example of the SMS documentation's "签名机制" page, with its published signature.
    @Test func theDocumentationsSampleSignsToItsPublishedSignature() {
        let params: [String: String] = [
            "AccessKeyId": "testId", "Action": "SendSms", "Format": "XML", "OutId": "123",
            "PhoneNumbers": "15300000001", "RegionId": "cn-hangzhou", "SignName": "阿里云短信测试专用",
            "SignatureMethod": "HMAC-SHA1", "SignatureNonce": "45e25e9b-0a6f-4070-8c85-2956eda1b466",
            "SignatureVersion": "1.0", "TemplateCode": "SMS_71390007", "TemplateParam": "{\"customer\":\"test\"}",
            "Timestamp": "2017-07-12T02:42:19Z", "Version": "2017-05-25",
        ]
        #expect(
            AliyunSMS.stringToSign(method: "GET", params: params)
                == "GET&%2F&AccessKeyId%3DtestId%26Action%3DSendSms%26Format%3DXML%26OutId%3D123%26PhoneNumbers%3D15300000001%26RegionId%3Dcn-hangzhou%26SignName%3D%25E9%2598%25BF%25E9%2587%258C%25E4%25BA%2591%25E7%259F%25AD%25E4%25BF%25A1%25E6%25B5%258B%25E8%25AF%2595%25E4%25B8%2593%25E7%2594%25A8%26SignatureMethod%3DHMAC-SHA1%26SignatureNonce%3D45e25e9b-0a6f-4070-8c85-2956eda1b466%26SignatureVersion%3D1.0%26TemplateCode%3DSMS_71390007%26TemplateParam%3D%257B%2522customer%2522%253A%2522test%2522%257D%26Timestamp%3D2017-07-12T02%253A42%253A19Z%26Version%3D2017-05-25"
        )
        #expect(
            AliyunSMS.signature(method: "GET", params: params, secret: "testSecret") == "zJDF+Lrzhj/ThnlvIToysFRq6t4=")
    }

    @Test func percentEncodingIsRFC3986AsTheSignatureWantsIt() {
        #expect(AliyunSMS.percentEncode("a b*c~d+e/") == "a%20b%2Ac~d%2Be%2F")
        #expect(AliyunSMS.percentEncode("赤") == "%E8%B5%A4")
        #expect(AliyunSMS.canonicalQuery(["b": "2", "B": "1", "a": "x y"]) == "B=1&a=x%20y&b=2")
    }

    @Test func answersAreSortedIntoAcceptedRetryAndPermanent() {
        func o(_ status: Int, _ body: String) -> AliyunSMS.Outcome {
            AliyunSMS.outcome(status: status, body: Data(body.utf8))
        }
        #expect(o(200, #"{"Code":"OK","Message":"OK","BizId":"9^0","RequestId":"r"}"#) == .accepted(bizID: "9^0"))
        #expect(
            o(200, #"{"Code":"isv.BUSINESS_LIMIT_CONTROL","Message":"业务限流"}"#)
                == .retry("isv.BUSINESS_LIMIT_CONTROL 业务限流"))
        #expect(o(503, "") == .retry("HTTP 503"))
        #expect(
            o(200, #"{"Code":"isv.MOBILE_NUMBER_ILLEGAL","Message":"非法手机号"}"#)
                == .permanent("isv.MOBILE_NUMBER_ILLEGAL 非法手机号"))
        #expect(o(400, "not json") == .permanent("HTTP 400"))
    }

    @Test func deliveryReportsAreReadWithinLimits() {
        let one =
            #"{"phone_number":"13800000000","success":true,"err_code":"DELIVERED","err_msg":"用户接收成功","biz_id":"9^0","out_id":"12","report_time":"2026-12-07 10:00:01"}"#
        #expect(AliyunSMS.reports(Data("[\(one)]".utf8))?.first?.out_id == "12")
        #expect(AliyunSMS.reports(Data("{}".utf8)) == nil)
        #expect(AliyunSMS.reports(Data(repeating: 0x20, count: AliyunSMS.reportBodyLimit + 1)) == nil)
        let many = "[" + Array(repeating: "{}", count: AliyunSMS.reportsPerPush + 1).joined(separator: ",") + "]"
        #expect(AliyunSMS.reports(Data(many.utf8)) == nil)
    }

    @Test func aSendSmsCallCarriesItsOwnVerifiableSignature() {
        let p = AliyunSMS.sendSms(
            phone: "13800000000", signName: "赤峰流动党员之家", templateCode: "SMS_1", templateParam: #"{"week":"W50"}"#,
            outID: "42", credentials: .init(accessKeyID: "id", accessKeySecret: "sec"), nonce: "n-1",
            at: beijing(7, 10))
        var unsigned = p
        let sig = unsigned.removeValue(forKey: "Signature")
        // Computed here independently: sorted keys, RFC 3986, HMAC-SHA1 with "sec&".
        let sorted = unsigned.keys.sorted { Array($0.utf8).lexicographicallyPrecedes(Array($1.utf8)) }
        func enc(_ s: String) -> String {
            s.addingPercentEncoding(
                withAllowedCharacters: CharacterSet(
                    charactersIn: "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.~"))!
        }
        let query = sorted.map { enc($0) + "=" + enc(unsigned[$0]!) }.joined(separator: "&")
        let sts = "POST&%2F&" + enc(query)
        let mac = HMAC<Insecure.SHA1>.authenticationCode(
            for: Data(sts.utf8), using: SymmetricKey(data: Data("sec&".utf8)))
        #expect(sig == Data(mac).base64EncodedString())
        #expect(p["Timestamp"] == "2026-12-07T02:00:00Z" && p["Version"] == "2017-05-25" && p["Action"] == "SendSms")
    }
}
