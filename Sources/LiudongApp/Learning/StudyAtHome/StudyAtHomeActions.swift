import Crypto
import Fluent
import Foundation
import LiudongCore
import Vapor

/// Study at home and away: the branch reads and marks diary entries, sets return seasons and records study
/// delivered home; the member writes the diary. Each act checks with
/// `StudyAtHomeRules`, stores, and writes the audit line (the members' own writes are theirs, unaudited as before).
enum StudyAtHomeActions {
    static let maxPhotoBytes = 5 << 20

    /// The branch's comment on an entry and whether it is 优秀.
    static func review(_ e: DiaryEntry, comment raw: String?, excellent: Bool, as a: Acting) async throws {
        let user = try a.staffUser()
        let comment = try StudyAtHomeRules.comment(raw).orThrow()
        e.comment = comment
        e.commentedBy = user.displayName
        e.excellent = excellent
        try await e.update(on: a.db)
        try await a.audit(
            .update, "diary", ref: e.id!.uuidString, summary: "点评先锋岗日记\(e.onDay)" + (e.excellent ? "，评为优秀" : ""))
    }

    /// A dated entry (today or up to 30 days back) with an optional JPEG or PNG photo of at most 5 MB, judged by
    /// its bytes. Every check before a byte is written (issue 25 item 11): the day's entries, the photo, the
    /// member's upload quota.
    static func write(
        on day: String?, text: String?, photo: File?, member: UUID, app: Application, as a: Acting
    ) async throws {
        let count = try await StudyAtHomeStore.count(
            member: member, day: Normalize.text(day).flatMap { CalendarDate($0) }?.description ?? "", on: a.db)
        let checked = try StudyAtHomeRules.diary(on: day, text: text, entriesThatDay: count, today: a.today).orThrow()
        let e = DiaryEntry()
        e.id = UUID()
        e.memberID = member
        e.onDay = checked.day.description
        e.text = checked.text
        e.excellent = false
        guard let file = photo, file.data.readableBytes > 0 else {
            try await e.create(on: a.db)
            return
        }
        guard file.data.readableBytes <= maxPhotoBytes else { throw AppError.conflict("照片超过5MB，请压缩后再上传") }
        let bytes = Data(buffer: file.data)
        guard let kind = ScanKind.sniff(Array(bytes)), kind != .pdf else {
            throw AppError.conflict("照片应为 JPG 或 PNG 图片")
        }
        let owner = UploadLedger.owner(member: member)
        let now = AppClock.now
        if let refusal = try await UploadLedger.refusal(
            owner: owner, kind: .memberPhoto, bytes: bytes.count, settings: app.settings, now: now, on: a.db)
        {
            throw AppError.conflict(refusal)
        }
        e.photoSHA256 = SHA256.hash(data: bytes).hex
        e.photoType = kind.rawValue
        try await UploadLedger.keep(bytes, app) {
            try await a.db.transaction { tx in
                try await e.create(on: tx)
                try await UploadLedger.record(owner: owner, kind: .memberPhoto, bytes: bytes.count, now: now, on: tx)
            }
        }
    }

    /// A return season of the account's own organization.
    static func createSeason(name: String?, startsOn: String?, endsOn: String?, as a: Acting) async throws
        -> ReturnSeason
    {
        let user = try a.staffUser()
        let checked = try StudyAtHomeRules.season(name: name, startsOn: startsOn, endsOn: endsOn).orThrow()
        let s = ReturnSeason()
        s.orgID = user.scopeID
        s.name = checked.name
        s.startsOn = checked.startsOn.description
        s.endsOn = checked.endsOn.description
        s.createdBy = a.name
        try await s.create(on: a.db)
        try await a.audit(
            .create, "return-season", ref: s.id!.uuidString,
            summary: "设定返乡时段：\(checked.name)（\(checked.startsOn)至\(checked.endsOn)）")
        return s
    }

    /// A session held by a branch in a season, with the members of its roster it reached (any of them, expected or
    /// not): also an organizational-life event of the branch (座谈授课) with those members present — so the six-month
    /// alert and points see it — linking the course delivered. How many it reached.
    static func createSession(
        branch: Organization, season: ReturnSeason, on day: String?, place: String?, topic: String?, course: UUID?,
        reached members: [UUID], as a: Acting
    ) async throws -> Int {
        let checked = try StudyAtHomeRules.session(
            on: day, place: place, topic: topic, seasonStartsOn: season.startsOn, seasonEndsOn: season.endsOn,
            today: a.today
        ).orThrow()
        let delivered = try await course.asyncMap { try await Course.find($0, on: a.db) } ?? nil
        if course != nil, delivered == nil { throw AppError.conflict("所选课程不存在") }
        let onRoster = Set(try await StudyAtHomeStore.onRoster(members, branch: branch.requireID(), on: a.db))
        // The event, its attendance, the session and the audit lines stand or fall together.
        try await a.db.transaction { tx in
            let t = a.on(tx)
            let event = try await OrgLifeActions.create(
                .init(
                    orgCode: branch.code, kind: OrgLifeKind.talk.rawValue, startsAt: "\(checked.day)T09:00",
                    place: checked.place,
                    topic: "送学上门：" + checked.topic + (delivered.map { "（《\($0.title)》）" } ?? "")), as: t)
            try await OrgLifeStore.record(
                onRoster.enumerated().map { i, m in
                    CheckedAttendance(
                        index: i, member: m, status: .present, reason: nil, attendedAt: checked.place,
                        notCounted: false)
                }, event: event, via: .staff, by: a.name, on: tx)
            let s = HomeStudySession()
            s.eventID = event.id
            s.courseID = delivered?.id
            s.seasonID = try season.requireID()
            s.branchID = try branch.requireID()
            s.onDay = checked.day.description
            s.place = checked.place
            s.topic = checked.topic
            s.createdBy = a.name
            try await StudyAtHomeStore.create(s, reached: onRoster, on: tx)
            try await t.audit(
                .create, "home-study", ref: s.id!.uuidString,
                summary: "送学上门：\(checked.topic)，\(checked.day)，送达\(onRoster.count)人")
        }
        return onRoster.count
    }
}
