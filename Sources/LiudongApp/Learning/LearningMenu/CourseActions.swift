import Fluent
import LiudongCore
import SQLKit
import Vapor

/// The learning menu: publishing courses, what a member may pick, opening and confirming (never time online).
enum CourseActions {
    struct Input: Content, Sendable {
        var kind: String?
        var title: String?
        var source: String?
        var url: String?
        var place: String?
        var minutes: String?
        var tags: String?
        var audience: String?
        var availableFrom: String?
        var availableTo: String?
    }

    /// Those who publish learning: the city, a county, a committee (the permission table's `publishLearning`).
    static func canPublish(_ user: CurrentUser) -> Bool { user.can(.publishLearning) && user.scopeKind == .regular }

    /// An inflow organization publishes for the members reporting to it (两地教育培训): its own organization is the
    /// audience, whatever the form says.
    static func publishesForInflow(_ user: CurrentUser) -> Bool {
        user.can(.actForInflowOrganization) && user.scopeKind == .external
    }

    static func create(_ input: Input, by user: CurrentUser, on db: Database, today: CalendarDate = AppClock.today)
        async throws -> Course
    {
        let inflow = publishesForInflow(user)
        guard canPublish(user) || inflow else { throw AppError.forbidden }
        let (codes, tooMany) =
            inflow
            ? ([user.scopeCode], nil) : CourseRules.audienceCodes(input.audience, fallback: user.scopeCode)
        var audience: [Organization] = []
        var audienceProblems = tooMany.map { [$0] } ?? []
        for code in codes {
            if let o = try await OrgTree.organization(code: code, on: db),
                inflow ? o.id == user.scopeID : user.covers(o) && o.kind == .regular
            {
                audience.append(o)
            } else {
                audienceProblems.append(RuleProblem("audience", "党组织“\(code.prefix(20))”不存在或不在本级范围内"))
            }
        }
        let checked = try CourseRules.course(
            kind: input.kind, title: input.title, source: input.source, url: input.url, place: input.place,
            minutes: input.minutes, tags: input.tags, availableFrom: input.availableFrom,
            availableTo: input.availableTo, audienceProblems: audienceProblems, today: today
        ).orThrow()
        let (kind, title, source, url, place, minutes, tags, from, to) = (
            checked.kind, checked.title, checked.source, checked.url, checked.place, checked.minutes, checked.tags,
            checked.availableFrom, checked.availableTo
        )
        let c = Course()
        c.publisherOrgID = user.scopeID
        c.kind = kind
        c.title = title
        c.source = source
        c.url = url
        c.place = place
        c.minutes = minutes
        c.tags = tags
        c.availableFrom = from.description
        c.availableTo = to.description
        c.createdBy = user.username
        let audienceIDs = Set(audience.map { $0.id! })
        try await db.transaction { tx in
            try await c.create(on: tx)
            let sql = try tx.sql()
            for o in audienceIDs {
                try await sql.insert(into: "course_audience").columns("course_id", "org_id")
                    .values(SQLBind(c.id!), SQLBind(o)).run()
            }
        }
        return c
    }

    /// The member's branch and every organization above it.
    static func ancestors(of memberID: UUID, on db: Database) async throws -> (Member, Organization, [Int]) {
        guard let m = try await Member.find(memberID, on: db),
            let branch = try await Organization.find(m.organizationID, on: db)
        else { throw AppError.notFound }
        return (m, branch, branch.pathIDs)
    }

    struct MyCourse: Content, Sendable {
        var id: UUID
        var title: String
        var kind: String
        var minutes: Int
        var done: Bool
    }

    /// Courses available today to the member (an audience organization is the branch or above it, or the inflow
    /// organization the member reports to now).
    static func menu(for memberID: UUID, on db: Database, today: CalendarDate = AppClock.today) async throws -> [Course]
    {
        let (_, _, home) = try await ancestors(of: memberID, on: db)
        let ids = home + (try await TwoPlacesStore.inflowOrganizations(of: memberID, on: db))
        let day = today.description
        let courseIDs = try await db.sql().raw(
            "SELECT DISTINCT course_id FROM course_audience WHERE org_id IN \(SQLBind.group(ids))"
        ).all().map { try $0.decode(column: "course_id", as: UUID.self) }
        guard !courseIDs.isEmpty else { return [] }
        return try await Course.query(on: db).filter(\.$id ~~ courseIDs).filter(\.$availableFrom <= day)
            .filter(\.$availableTo >= day).sort(\.$availableFrom, .descending).sort(\.$title).all()
    }

    static func done(_ memberID: UUID, on db: Database) async throws -> [UUID: CourseCompletion] {
        Dictionary(
            uniqueKeysWithValues: try await CourseCompletion.query(on: db).filter(\.$memberID == memberID).all().map {
                ($0.courseID, $0)
            })
    }

    /// A course of the member's menu, else 404.
    static func find(_ id: UUID?, for memberID: UUID, on db: Database) async throws -> Course {
        guard let id, let c = try await menu(for: memberID, on: db).first(where: { $0.id == id }) else {
            throw AppError.notFound
        }
        return c
    }

    /// Opening a course is recorded once (the first time); nothing about how long it stays open.
    @discardableResult
    static func open(_ c: Course, memberID: UUID, on db: Database) async throws -> CourseCompletion {
        if let done = try await CourseCompletion.query(on: db).filter(\.$courseID == c.id!).filter(
            \.$memberID == memberID
        ).first() {
            return done
        }
        let cc = CourseCompletion()
        cc.courseID = c.id!
        cc.memberID = memberID
        cc.openedAt = AppClock.now
        try await cc.create(on: db)
        return cc
    }

    /// Confirms the course as learnt: courses of 30 minutes or more need a reflection of at least 50 characters.
    static func complete(_ c: Course, memberID: UUID, reflection raw: String?, on db: Database) async throws
        -> CourseCompletion
    {
        let reflection = Normalize.text(raw)
        if c.needsReflection, (reflection?.count ?? 0) < CourseRules.reflectionCharacters {
            throw AppError.invalid([
                FieldError(
                    "reflection",
                    "本课程\(c.minutes)分钟，请写下不少于\(CourseRules.reflectionCharacters)字的学习体会（已写\(reflection?.count ?? 0)字）")
            ])
        }
        if (reflection?.count ?? 0) > 2000 { throw AppError.invalid([FieldError("reflection", "学习体会请控制在2000字以内")]) }
        let cc = try await open(c, memberID: memberID, on: db)
        if cc.completedOn == nil {
            cc.completedOn = AppClock.today.description
            cc.reflection = reflection
            try await cc.update(on: db)
            try await LostContactActions.signOfLife(memberID, what: "学习课程", on: db)
        }
        return cc
    }
}
