import Fluent
import LiudongCore
import Vapor

/// The member's own vanguard-post diary (党员先锋岗工作日记) on the phone, with a photo.
struct MyDiaryPages {
    func boot(_ r: FeatureRoutes) throws {
        let my = r.member
        my.get("my", "diary", use: diary)
        my.on(.POST, "my", "diary", body: .collect(maxSize: ByteCount(value: CSRFMiddleware.photoLimit)), use: write)
        my.get("my", "diary", ":id", "photo", use: photo)
    }

    // MARK: Diary

    func diary(req: Request) async throws -> Response {
        let me = try req.member
        let entries = try await StudyAtHomeStore.latest(member: me.memberID, on: req.db)
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

    /// A dated entry with an optional photo (`StudyAtHomeActions.write` says what is accepted).
    func write(req: Request) async throws -> Response {
        let me = try req.member
        let back = "/my/diary"
        guard let form = try? req.content.decode(DiaryForm.self) else {
            return req.redirect(to: back, flash: "未能读取表单，请重试")
        }
        return try await req.act(back: back) {
            try await StudyAtHomeActions.write(
                on: form.on, text: form.text, photo: form.photo, member: me.memberID, app: req.application,
                as: try req.actingMember)
            return "日记已保存，党支部书记会阅读"
        }
    }

    func photo(req: Request) async throws -> Response {
        let me = try req.member
        guard let id = req.parameters.get("id").flatMap({ UUID(uuidString: $0) }),
            let e = try await DiaryEntry.find(id, on: req.db),
            e.memberID == me.memberID
        else { throw AppError.notFound }
        return try await e.servePhoto(req)
    }
}
