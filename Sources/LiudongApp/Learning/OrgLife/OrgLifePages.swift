import Crypto
import Fluent
import LiudongCore
import SQLKit
import Vapor

/// `/org-life`: an organization's events with attendance at home and away, recording an event, its minutes,
/// attachments and attendance, the quorum of a member meeting.
struct OrgLifePages {
    func boot(_ r: FeatureRoutes) throws {
        let rec = r.signedIn(.recordOrgLife)
        rec.get("org-life", use: index)
        rec.get("org-life", "new", use: new)
        rec.post("org-life", use: create)
        rec.get("org-life", ":id", use: show)
        rec.post("org-life", ":id", "minutes", use: minutes)
        rec.post("org-life", ":id", "attendance", use: attendance)
        rec.on(
            .POST, "org-life", ":id", "attachments",
            body: .collect(maxSize: ByteCount(value: CSRFMiddleware.scanLimit)), use: upload)
        rec.get("org-life", ":id", "attachments", ":file", use: attachment)
        rec.post("c", ":token", "org-life", use: certificateCheckIn)
    }

    static let maxAttachmentBytes = 10 << 20

    struct EventRow: Encodable {
        var id: String
        var kind: String
        var org: String
        var when: String
        var topic: String
        var present: Int
    }
    struct AwayRow: Encodable {
        var name: String
        var branch: String
        var org: String
        var kind: String
        var on: String
        var via: String
    }

    func index(req: Request) async throws -> Response {
        let user = try req.user
        let org = try await req.scopeOrganization()
        let sql = try req.db.sql()
        struct Row: Decodable {
            var id: UUID
            var kind: String
            var short_name: String
            var starts_at: String
            var topic: String
            var present: Int?
        }
        let rows = try await sql.raw(
            """
            SELECT e.id, e.kind, o.short_name, e.starts_at, e.topic,
              (SELECT COUNT(*) FROM org_life_attendance a WHERE a.event_id = e.id AND a.status = 'present') AS present
            FROM org_life_events e JOIN organizations o ON o.id = e.org_id
            WHERE \(PathPrefix("o.path", org.path)) ORDER BY e.starts_at DESC LIMIT 100
            """
        ).all(decoding: Row.self)
        struct Away: Decodable {
            var name: String
            var branch: String
            var org: String
            var kind: String
            var held_on: String
            var via: String
        }
        let since = AppClock.today.adding(days: -183).description
        let away =
            user.isInflowSide
            ? []
            : try await sql.raw(
                """
                SELECT m.name, b.short_name AS branch, x.short_name AS org, e.kind, e.held_on, a.via
                FROM organizations b JOIN members m ON m.organization_id = b.id
                JOIN org_life_attendance a ON a.member_id = m.id AND a.status = 'present'
                JOIN org_life_events e ON e.id = a.event_id JOIN organizations x ON x.id = e.org_id
                WHERE \(PathPrefix("b.path", org.path)) AND NOT \(PathPrefix("x.path", org.path))
                  AND e.held_on >= \(bind: since)
                ORDER BY e.held_on DESC LIMIT 200
                """
            ).all(decoding: Away.self)
        struct View: Encodable {
            var code: String
            var name: String
            var events: [EventRow]
            var away: [AwayRow]
            var inflow: Bool
        }
        return try await req.page(
            "orglife/index", title: "组织生活",
            View(
                code: org.code, name: org.name,
                events: rows.map {
                    EventRow(
                        id: $0.id.uuidString, kind: OrgLifeKind(rawValue: $0.kind)?.label ?? $0.kind,
                        org: $0.short_name,
                        when: OrgLifeTime.chinese($0.starts_at), topic: $0.topic, present: $0.present ?? 0)
                },
                away: away.map {
                    AwayRow(
                        name: $0.name, branch: $0.branch, org: $0.org,
                        kind: OrgLifeKind(rawValue: $0.kind)?.label ?? "",
                        on: $0.held_on, via: AttendanceVia(rawValue: $0.via)?.label ?? "")
                }, inflow: user.isInflowSide))
    }

    struct FormView: Encodable {
        var form: OrgLifeActions.Input
        var kinds: [SelectOption]
        var errors: [String: String]
    }

    func new(req: Request) async throws -> Response {
        let org = try await req.scopeOrganization()
        return try await req.page(
            "orglife/new", title: "记录组织生活",
            FormView(
                form: .init(orgCode: org.code, kind: "themeDay"), kinds: OrgLifeKind.options(selected: "themeDay"),
                errors: [:]))
    }

    func create(req: Request) async throws -> Response {
        let input = try req.content.decode(OrgLifeActions.Input.self)
        do {
            let e = try await OrgLifeActions.create(input, by: try req.user, on: req.db)
            try await req.audit(
                .create, "org-life", ref: e.id!.uuidString, summary: "记录组织生活：\(e.kind.label)·\(e.topic)")
            return req.redirect(to: "/org-life/\(e.id!.uuidString)", flash: "已记录，签到码 \(e.checkInCode)")
        } catch AppError.invalid(let errors) {
            return try await req.page(
                "orglife/new", title: "记录组织生活",
                FormView(form: input, kinds: OrgLifeKind.options(selected: input.kind), errors: errors.byField),
                status: .unprocessableEntity)
        }
    }

    struct ShowView: Encodable {
        struct Person: Encodable {
            var index: Int
            var id: String
            var name: String
            var branch: String
            var mobile: Bool
            var status: String
            var reason: String
            var attendedAt: String
            var notCounted: Bool
            var via: String
        }
        struct File: Encodable {
            var id: String
            var name: String
            var size: String
        }
        var id: String
        var org: String
        var orgCode: String
        var kind: String
        var starts: String
        var ends: String
        var place: String
        var onlineUrl: String
        var topic: String
        var host: String
        var recorder: String
        var minutes: String
        var decisions: String
        var code: String
        var codeOpen: Bool
        var isMemberMeeting: Bool
        var quorum: OrgLifeActions.Quorum
        var people: [Person]
        var files: [File]
    }

    func show(req: Request) async throws -> Response {
        let user = try req.user
        let (e, org) = try await OrgLifeActions.find(
            req.parameters.get("id").flatMap({ UUID(uuidString: $0) }), for: user, on: req.db)
        let people = try await OrgLifeStore.people(e, org: org, on: req.db)
        let files = try await OrgLifeAttachment.query(on: req.db).filter(\.$eventID == e.id!).sort(\.$createdAt).all()
        return try await req.page(
            "orglife/show", title: "\(e.kind.label) · \(e.topic)",
            ShowView(
                id: e.id!.uuidString, org: org.name, orgCode: org.code, kind: e.kind.label,
                starts: OrgLifeTime.chinese(e.startsAt), ends: OrgLifeTime.chinese(e.endsAt), place: e.place ?? "",
                onlineUrl: e.onlineURL ?? "", topic: e.topic, host: e.host ?? "", recorder: e.recorder ?? "",
                minutes: e.minutes ?? "", decisions: e.decisions ?? "", code: e.checkInCode, codeOpen: e.codeOpen(),
                isMemberMeeting: e.kind == .memberMeeting,
                quorum: try await OrgLifeActions.quorum(e, org: org, on: req.db),
                people: people.enumerated().map { i, p in
                    ShowView.Person(
                        index: i, id: p.id.uuidString, name: p.name, branch: p.branch, mobile: p.mobile,
                        status: p.status ?? "", reason: p.reason ?? "", attendedAt: p.attendedAt ?? "",
                        notCounted: p.notCounted, via: p.via.flatMap(AttendanceVia.init(rawValue:))?.label ?? "")
                },
                files: files.map {
                    ShowView.File(id: $0.id!.uuidString, name: $0.name, size: "\(max(1, $0.size / 1024)) KB")
                }))
    }

    struct MinutesForm: Content {
        var host: String?
        var recorder: String?
        var minutes: String?
        var decisions: String?
    }

    func minutes(req: Request) async throws -> Response {
        let user = try req.user
        let (e, _) = try await OrgLifeActions.find(
            req.parameters.get("id").flatMap({ UUID(uuidString: $0) }), for: user, on: req.db)
        let f = try req.content.decode(MinutesForm.self)
        let back = "/org-life/\(e.id!.uuidString)"
        let texts = [f.minutes, f.decisions].map { Normalize.text($0) }
        if texts.contains(where: { ($0?.count ?? 0) > OrgLifeActions.maxMinutes }) {
            return req.redirect(to: back, flash: "会议记录和决定事项各不超过\(OrgLifeActions.maxMinutes)字")
        }
        if [f.host, f.recorder].contains(where: { (Normalize.text($0)?.count ?? 0) > 50 }) {
            return req.redirect(to: back, flash: "主持人、记录人请控制在50字以内")
        }
        e.host = Normalize.text(f.host)
        e.recorder = Normalize.text(f.recorder)
        e.minutes = texts[0]
        e.decisions = texts[1]
        try await e.update(on: req.db)
        try await req.audit(.update, "org-life", ref: e.id!.uuidString, summary: "填写会议记录：\(e.topic)")
        return req.redirect(to: back, flash: "会议记录已保存")
    }

    /// The attendance form: `m{i}` member, `s{i}` status (empty: not recorded), `r{i}` reason, `w{i}` where,
    /// `n{i}` excused with the higher organization's consent.
    func attendance(req: Request) async throws -> Response {
        let user = try req.user
        let (e, org) = try await OrgLifeActions.find(
            req.parameters.get("id").flatMap({ UUID(uuidString: $0) }), for: user, on: req.db)
        let form = (try? req.content.decode([String: String].self)) ?? [:]
        var items: [OrgLifeActions.AttendanceItem] = []
        for i in 0..<OrgLifeActions.maxItems {
            guard let id = form["m\(i)"] else { break }
            guard let s = Normalize.text(form["s\(i)"]) else { continue }
            items.append(
                .init(
                    memberId: id, status: s, reason: form["r\(i)"], attendedAt: form["w\(i)"],
                    notCounted: form["n\(i)"] != nil))
        }
        let back = "/org-life/\(e.id!.uuidString)"
        do {
            let n = try await OrgLifeActions.setAttendance(items, event: e, org: org, by: user, on: req.db)
            try await req.audit(.update, "org-life", ref: e.id!.uuidString, summary: "登记出席情况\(n)人：\(e.topic)")
            return req.redirect(to: back + "#attendance", flash: "已登记\(n)人的出席情况")
        } catch AppError.invalid(let errors) {
            let names = try await OrgLifeStore.people(e, org: org, on: req.db)
            let first = errors.first.map { err -> String in
                let idx = err.field.dropFirst(6).prefix { $0.isNumber }
                let who = Int(idx).flatMap { i in i < items.count ? items[i].memberId : nil }.flatMap { id in
                    names.first { $0.id.uuidString == id }?.name
                }
                return (who.map { "\($0)：" } ?? "") + err.message
            }
            return req.redirect(to: back + "#attendance", flash: "未保存：\(first ?? "请检查填写")")
        }
    }

    struct UploadForm: Content { var file: File? }

    func upload(req: Request) async throws -> Response {
        let user = try req.user
        let (e, _) = try await OrgLifeActions.find(
            req.parameters.get("id").flatMap({ UUID(uuidString: $0) }), for: user, on: req.db)
        let back = "/org-life/\(e.id!.uuidString)"
        guard let file = try? req.content.decode(UploadForm.self).file, file.data.readableBytes > 0 else {
            return req.redirect(to: back, flash: "请选择附件（PDF、JPG 或 PNG，10MB 以内）")
        }
        guard file.data.readableBytes <= Self.maxAttachmentBytes else {
            return req.redirect(to: back, flash: "附件超过10MB，请压缩后再上传")
        }
        let bytes = Data(buffer: file.data)
        guard let kind = ScanKind.sniff(Array(bytes)) else {
            return req.redirect(to: back, flash: "文件内容不是 PDF、JPG 或 PNG")
        }
        guard try await OrgLifeAttachment.query(on: req.db).filter(\.$eventID == e.id!).count() < 20 else {
            return req.redirect(to: back, flash: "每次组织生活最多20个附件")
        }
        let owner = UploadLedger.owner(account: user)
        let now = AppClock.now
        if let refusal = try await UploadLedger.refusal(
            owner: owner, kind: .attachment, bytes: bytes.count, settings: req.settings, now: now, on: req.db)
        {
            return req.redirect(to: back, flash: refusal)
        }
        let a = OrgLifeAttachment()
        a.id = UUID()
        a.eventID = e.id!
        a.name = String(Normalize.text(file.filename)?.prefix(100) ?? "附件")
        a.fileType = kind.rawValue
        a.sha256 = SHA256.hash(data: bytes).hex
        a.size = bytes.count
        a.createdBy = user.username
        let attachment = a
        try await UploadLedger.keep(
            bytes, req.application, "org-life", name: "\(a.id!.uuidString).\(kind.fileExtension)"
        ) {
            try await req.db.transaction { tx in
                try await attachment.create(on: tx)
                try await UploadLedger.record(owner: owner, kind: .attachment, bytes: bytes.count, now: now, on: tx)
            }
        }
        try await req.audit(.create, "org-life", ref: e.id!.uuidString, summary: "上传附件\(a.name)（SHA-256 \(a.sha256)）")
        return req.redirect(to: back, flash: "附件已上传")
    }

    func attachment(req: Request) async throws -> Response {
        let user = try req.user
        let (e, _) = try await OrgLifeActions.find(
            req.parameters.get("id").flatMap({ UUID(uuidString: $0) }), for: user, on: req.db)
        guard let fid = req.parameters.get("file").flatMap({ UUID(uuidString: $0) }),
            let a = try await OrgLifeAttachment.query(on: req.db).filter(\.$id == fid).filter(\.$eventID == e.id!)
                .first(), let kind = ScanKind(rawValue: a.fileType)
        else { throw AppError.notFound }
        return try PrivateFiles.serve(
            req, "org-life", name: "\(a.id!.uuidString).\(kind.fileExtension)", sha256: a.sha256, kind: kind)
    }

    struct CertificateForm: Content { var event: String? }

    /// An inflow or mobile organization scans a member's activity certificate and records them present at one of
    /// its events taking place now.
    func certificateCheckIn(req: Request) async throws -> Response {
        let user = try req.user
        let token = req.parameters.get("token") ?? ""
        guard let c = try await CertificateService.find(token: token, cipher: req.cipher, on: req.db) else {
            throw AppError.notFound
        }
        let back = "/c/\(token)"
        guard c.status(on: AppClock.today) == .valid else { return req.redirect(to: back, flash: "活动证已失效，不能登记") }
        let id = (try? req.content.decode(CertificateForm.self))?.event.flatMap({ UUID(uuidString: $0) })
        guard let id, let e = try await OrgLifeEvent.find(id, on: req.db), e.orgID == user.scopeID, e.codeOpen(),
            let org = try await Organization.find(e.orgID, on: req.db)
        else { return req.redirect(to: back, flash: "没有正在进行的本组织活动") }
        try await OrgLifeActions.credit(
            c.memberID, event: e, org: org, via: .certificate, by: user.username, on: req.db)
        try await req.audit(.update, "org-life", ref: e.id!.uuidString, summary: "凭活动证\(c.number)登记参加\(e.topic)")
        return req.redirect(to: back, flash: "已登记参加：\(e.kind.label)·\(e.topic)")
    }
}
