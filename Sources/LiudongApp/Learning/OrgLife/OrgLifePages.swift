import Fluent
import LiudongCore
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
        let rows = try await OrgLifeStore.events(under: org.path, on: sql)
        let away =
            user.isInflowSide
            ? []
            : try await OrgLifeStore.attendedAway(under: org.path, since: AppClock.today.adding(days: -183), on: sql)
        struct View: Encodable {
            var code: String
            var name: String
            var events: [EventRow]
            var away: [AwayRow]
            var inflow: Bool
            /// A branch or a mobile party organization: it sets up 党小组.
            var groups: Bool
        }
        return try await req.page(
            "orglife/index", title: "组织生活",
            View(
                code: org.code, name: org.name,
                events: rows.map {
                    EventRow(
                        id: $0.id.uuidString, kind: OrgLifeKind(rawValue: $0.kind)?.label ?? $0.kind,
                        org: $0.shortName,
                        when: OrgLifeTime.chinese($0.startsAt), topic: $0.topic, present: $0.present ?? 0)
                },
                away: away.map {
                    AwayRow(
                        name: $0.name, branch: $0.branch, org: $0.org,
                        kind: OrgLifeKind(rawValue: $0.kind)?.label ?? "",
                        on: $0.heldOn, via: AttendanceVia(rawValue: $0.via)?.label ?? "")
                }, inflow: user.isInflowSide,
                groups: org.level == .branch && (org.kind == .regular || org.kind == .mobile)))
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
            let e = try await OrgLifeActions.create(input, as: try req.acting)
            return req.redirect(to: "/org-life/\(e.id!.uuidString)", flash: "已记录，签到码 \(e.checkInCode)")
        } catch AppError.invalid(let errors) {
            return try await req.page(
                "orglife/new", title: "记录组织生活",
                FormView(form: input, kinds: OrgLifeKind.options(selected: input.kind), errors: errors.byField),
                status: .unprocessableEntity)
        }
    }

    /// A corrective item as the meeting's page shows it.
    struct Rectified: Encodable {
        var id: String
        var what: String
        var who: String
        var due: String
        var done: String?
        var note: String?
        var late: Bool
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
            var approval: String
            var probationary: Bool
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
        /// A 组织生活会: its corrective items (整改事项).
        var isLifeMeeting: Bool
        var rectifications: [Rectified]
        var today: String
        var quorum: Quorum
        var people: [Person]
        var files: [File]
    }

    func show(req: Request) async throws -> Response {
        let user = try req.user
        let (e, org) = try await OrgLifeActions.find(
            req.parameters.get("id").flatMap({ UUID(uuidString: $0) }), for: user, on: req.db)
        let people = try await OrgLifeStore.people(e, org: org, on: req.db)
        let files = try await OrgLifeStore.attachments(of: e.requireID(), on: req.db)
        return try await req.page(
            "orglife/show", title: "\(e.kind.label) · \(e.topic)",
            ShowView(
                id: e.id!.uuidString, org: org.name, orgCode: org.code, kind: e.kind.label,
                starts: OrgLifeTime.chinese(e.startsAt), ends: OrgLifeTime.chinese(e.endsAt), place: e.place ?? "",
                onlineUrl: e.onlineURL ?? "", topic: e.topic, host: e.host ?? "", recorder: e.recorder ?? "",
                minutes: e.minutes ?? "", decisions: e.decisions ?? "", code: e.checkInCode, codeOpen: e.codeOpen(),
                isMemberMeeting: e.kind == .memberMeeting, isLifeMeeting: RectificationRules.records(e.kind),
                rectifications: try await RectificationStore.of(event: e.requireID(), on: req.db).map {
                    Rectified(
                        id: $0.id!.uuidString, what: $0.what, who: $0.who, due: $0.dueOn, done: $0.doneOn,
                        note: $0.doneNote,
                        late: RectificationRules.overdue(
                            dueOn: CalendarDate($0.dueOn) ?? AppClock.today,
                            doneOn: $0.doneOn.flatMap { CalendarDate($0) }, today: AppClock.today))
                }, today: AppClock.today.description,
                quorum: try await OrgLifeStore.quorum(e, org: org, on: req.db),
                people: people.enumerated().map { i, p in
                    ShowView.Person(
                        index: i, id: p.id.uuidString, name: p.name, branch: p.branch, mobile: p.mobile,
                        status: p.status ?? "", reason: p.reason ?? "", attendedAt: p.attendedAt ?? "",
                        notCounted: p.notCounted, approval: p.approval ?? "", probationary: p.probationary,
                        via: p.via.flatMap(AttendanceVia.init(rawValue:))?.label ?? "")
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
        return try await req.act(back: "/org-life/\(e.id!.uuidString)") {
            try await OrgLifeActions.minutes(
                e, host: f.host, recorder: f.recorder, minutes: f.minutes, decisions: f.decisions, as: try req.acting)
            return "会议记录已保存"
        }
    }

    /// The attendance form: `m{i}` member, `s{i}` status (empty: not recorded), `r{i}` reason, `w{i}` where,
    /// `n{i}` a mobile member excused with the committee's approval, `a{i}` who approved it and when.
    func attendance(req: Request) async throws -> Response {
        let user = try req.user
        let (e, org) = try await OrgLifeActions.find(
            req.parameters.get("id").flatMap({ UUID(uuidString: $0) }), for: user, on: req.db)
        let form = (try? req.content.decode([String: String].self)) ?? [:]
        var items: [OrgLifeActions.AttendanceItem] = []
        for i in 0..<OrgLifeRules.maxItems {
            guard let id = form["m\(i)"] else { break }
            guard let s = Normalize.text(form["s\(i)"]) else { continue }
            items.append(
                .init(
                    memberId: id, status: s, reason: form["r\(i)"], attendedAt: form["w\(i)"],
                    notCounted: form["n\(i)"] != nil, approval: form["a\(i)"]))
        }
        let back = "/org-life/\(e.id!.uuidString)"
        do {
            let n = try await OrgLifeActions.setAttendance(items, event: e, org: org, as: try req.acting)
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
        return try await req.act(back: "/org-life/\(e.id!.uuidString)") {
            try await OrgLifeActions.attach(
                try? req.content.decode(UploadForm.self).file, to: e, app: req.application, as: try req.acting)
            return "附件已上传"
        }
    }

    func attachment(req: Request) async throws -> Response {
        let user = try req.user
        let (e, _) = try await OrgLifeActions.find(
            req.parameters.get("id").flatMap({ UUID(uuidString: $0) }), for: user, on: req.db)
        guard let fid = req.parameters.get("file").flatMap({ UUID(uuidString: $0) }),
            let a = try await OrgLifeStore.attachment(fid, of: e.requireID(), on: req.db),
            let kind = ScanKind(rawValue: a.fileType)
        else { throw AppError.notFound }
        return try await req.application.files.serve(req, sha256: a.sha256, kind: kind)
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
        return try await req.act(back: back) {
            let e = try await OrgLifeActions.certificateCheckIn(c, event: id, as: try req.acting)
            return "已登记参加：\(e.kind.label)·\(e.topic)"
        }
    }
}
