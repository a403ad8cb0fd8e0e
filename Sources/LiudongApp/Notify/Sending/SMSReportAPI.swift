import Crypto
import Fluent
import LiudongCore
import Vapor

/// `POST /api/v1/notify/sms-reports/{token}`: Alibaba Cloud's delivery reports (SmsReport, pushed over HTTP). The
/// provider does not sign its pushes, so the callback is verified three ways: the secret token in its path
/// (`LIUDONG_SMS_CALLBACK_TOKEN`, compared in constant time; anything else 403), and for each report, our message id
/// (`out_id`) with the provider's id we stored when it was accepted (`biz_id`) and the keyed hash of the phone it went
/// to. A report that fails any check changes nothing; a replay changes nothing either (only a `sent` message moves).
struct SMSReportAPI {
    func boot(_ r: FeatureRoutes) {
        r.public.on(.POST, "api", "v1", "notify", "sms-reports", ":token", body: .collect(maxSize: "1mb"), use: receive)
    }

    struct Answer: Content {
        var code: Int
        var msg: String
    }

    func receive(req: Request) async throws -> Response {
        guard let expected = req.settings.notify.callbackToken else { throw AppError.notFound }
        let given = req.parameters.get("token") ?? ""
        guard constantTimeEqual(given, expected) else { throw AppError.forbidden }
        guard let buffer = req.body.data, let reports = AliyunSMS.reports(Data(buffer: buffer)) else {
            throw AppError.invalid([FieldError("body", "状态报告应为 JSON 数组（至多\(AliyunSMS.reportsPerPush)条）")])
        }
        var accepted = 0
        for r in reports {
            guard let outID = r.out_id.flatMap({ Int64($0) }), let biz = r.biz_id, !biz.isEmpty,
                let phone = r.phone_number,
                let sent = try await OutboxClaims.sent(outID, on: req.db.sql()), sent.provider_id == biz,
                matches(phone, sent, cipher: req.cipher)
            else { continue }
            let delivered = r.success == true
            let error = delivered ? nil : "\(r.err_code ?? "") \(r.err_msg ?? "")".trimmingCharacters(in: .whitespaces)
            try await req.db.writeTransaction(gate: req.application.writeGate) { tx in
                try await OutboxClaims.deliver(
                    outID, delivered: delivered, error: error, at: AppClock.now, on: tx.sql())
            }
            accepted += 1
        }
        req.logger.info("sms reports: \(reports.count) received, \(accepted) matched")
        return try await Answer(code: 0, msg: "成功").encodeResponse(for: req)
    }

    private func matches(_ phone: String, _ sent: OutboxClaims.Sent, cipher: FieldCipher) -> Bool {
        guard let p = Phone.mobile(phone) else { return false }
        if sent.recipient.hasPrefix("o:") { return sent.org_phone.flatMap(Phone.mobile) == p }
        return sent.phone_hash == cipher.hash(p)
    }

    private func constantTimeEqual(_ a: String, _ b: String) -> Bool {
        let x = SHA256.hash(data: Data(a.utf8))
        let y = SHA256.hash(data: Data(b.utf8))
        return zip(x, y).reduce(UInt8(0)) { $0 | ($1.0 ^ $1.1) } == 0
    }
}
