import Crypto
import Fluent
import LiudongCore
import Vapor

/// The member's own vanguard-post diary (党员先锋岗工作日记) on the phone, with a photo, and confirming a red package.
struct MyDiaryPages {
    func boot(_ r: FeatureRoutes) throws {
        let my = r.member
        my.get("my", "diary", use: diary)
        my.on(.POST, "my", "diary", body: .collect(maxSize: ByteCount(value: CSRFMiddleware.photoLimit)), use: write)
        my.get("my", "diary", ":id", "photo", use: photo)
        my.post("my", "red-packages", ":id", "confirm", use: confirm)
    }

    // MARK: Diary

    static let maxPhotoBytes = 5 << 20

    func diary(req: Request) async throws -> Response {
        let me = try req.member
        let entries = try await DiaryStore.latest(member: me.memberID, on: req.db)
        struct Row: Encodable {
            var id: String
            var on: String
            var text: String
            var photo: Bool
            var comment: String?
            var excellent: Bool
        }
        struct View: Encodable {
            var rows: [Row]
            var today: String
        }
        return try await req.myPage(
            "my/diary", title: "党员先锋岗工作日记",
            View(
                rows: entries.map {
                    Row(
                        id: $0.id!.uuidString, on: $0.onDay, text: $0.text, photo: $0.photoSHA256 != nil,
                        comment: $0.comment, excellent: $0.excellent)
                }, today: AppClock.today.description))
    }

    struct DiaryForm: Content {
        var on: String?
        var text: String?
        var photo: File?
    }

    /// A dated entry (today or up to 30 days back) with an optional JPEG or PNG photo of at most 5 MB, judged by
    /// its bytes.
    func write(req: Request) async throws -> Response {
        let me = try req.member
        let back = "/my/diary"
        guard let form = try? req.content.decode(DiaryForm.self) else {
            return req.redirect(to: back, flash: "未能读取表单，请重试")
        }
        let today = AppClock.today
        guard let day = Normalize.text(form.on).flatMap({ CalendarDate($0) }), day <= today,
            day >= today.adding(days: -30)
        else { return req.redirect(to: back, flash: "日期应为今天或30天内") }
        guard let text = Normalize.text(form.text), text.count <= 2000 else {
            return req.redirect(to: back, flash: "请填写日记内容（2000字以内）")
        }
        // Every check before a byte is written (issue 25 item 11): the day's entries, the photo, the member's quota.
        guard try await DiaryStore.count(member: me.memberID, day: day.description, on: req.db) < 10 else {
            return req.redirect(to: back, flash: "同一天最多10篇日记")
        }
        let e = DiaryEntry()
        e.id = UUID()
        e.memberID = me.memberID
        e.onDay = day.description
        e.text = text
        e.excellent = false
        guard let file = form.photo, file.data.readableBytes > 0 else {
            try await e.create(on: req.db)
            return req.redirect(to: back, flash: "日记已保存，党支部书记会阅读")
        }
        guard file.data.readableBytes <= Self.maxPhotoBytes else {
            return req.redirect(to: back, flash: "照片超过5MB，请压缩后再上传")
        }
        let bytes = Data(buffer: file.data)
        guard let kind = ScanKind.sniff(Array(bytes)), kind != .pdf else {
            return req.redirect(to: back, flash: "照片应为 JPG 或 PNG 图片")
        }
        let owner = UploadLedger.owner(member: me.memberID)
        let now = AppClock.now
        if let refusal = try await UploadLedger.refusal(
            owner: owner, kind: .memberPhoto, bytes: bytes.count, settings: req.settings, now: now, on: req.db)
        {
            return req.redirect(to: back, flash: refusal)
        }
        e.photoSHA256 = SHA256.hash(data: bytes).hex
        e.photoType = kind.rawValue
        let entry = e
        try await UploadLedger.keep(bytes, req.application, "diary", name: "\(e.id!.uuidString).\(kind.fileExtension)")
        {
            try await req.db.transaction { tx in
                try await entry.create(on: tx)
                try await UploadLedger.record(owner: owner, kind: .memberPhoto, bytes: bytes.count, now: now, on: tx)
            }
        }
        return req.redirect(to: back, flash: "日记已保存，党支部书记会阅读")
    }

    func photo(req: Request) async throws -> Response {
        let me = try req.member
        guard let id = req.parameters.get("id").flatMap({ UUID(uuidString: $0) }),
            let e = try await DiaryEntry.find(id, on: req.db),
            e.memberID == me.memberID
        else { throw AppError.notFound }
        return try Self.servePhoto(req, e)
    }

    static func servePhoto(_ req: Request, _ e: DiaryEntry) throws -> Response {
        guard let sha = e.photoSHA256, let kind = e.photoType.flatMap(ScanKind.init(rawValue:)) else {
            throw AppError.notFound
        }
        return try PrivateFiles.serve(
            req, "diary", name: "\(e.id!.uuidString).\(kind.fileExtension)", sha256: sha, kind: kind)
    }

    // MARK: Red packages

    func confirm(req: Request) async throws -> Response {
        let me = try req.member
        guard let id = req.parameters.get("id").flatMap({ UUID(uuidString: $0) }),
            let p = try await RedPackage.find(id, on: req.db),
            p.memberID == me.memberID
        else { throw AppError.notFound }
        if p.confirmedOn == nil {
            p.confirmedOn = AppClock.today.description
            try await p.update(on: req.db)
        }
        return req.redirect(to: "/my", flash: "已确认收到红色包裹")
    }
}
