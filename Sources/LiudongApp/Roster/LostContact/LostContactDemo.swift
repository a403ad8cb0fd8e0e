import Fluent
import LiudongCore
import Vapor

/// The demo's lost-contact cases: every candidate and lost member of 巴林左旗 gets a search log — one or two tries for
/// most, three or more for those confirmed lost; the case flagged longest ago is confirmed lost with three tries, so
/// the committee's proposal shows.
enum LostContactDemo {
    static func load(_ demo: DemoContext) async throws {
        guard let county = try await OrgTree.organization(code: "150422", on: demo.db) else { return }
        let results = [
            (SearchMethod.phone, "电话停机，未接通"), (.family, "家属称其在外务工，已数月未与家里联系"),
            (.employer, "原工作单位称其已离职，去向不明"), (.inflowOrg, "流入地党组织未掌握其新去向"),
            (.publicNotice, "在村务公开栏张贴寻找公告"),
        ]
        for (i, c) in try await LostContactStore.cases(under: county.path, on: demo.db).enumerated() {
            var lost = c.status == .lost
            if i == 0, !lost, let flow = try await Flow.find(c.flowID, on: demo.db),
                let m = try await Member.find(c.id, on: demo.db)
            {
                flow.status = .lost
                try await flow.update(on: demo.db)
                m.flowStatus = FlowState.lost.rawValue
                try await m.update(on: demo.db)
                lost = true
            }
            let tries = lost ? 3 + i % 2 : 1 + i % 2
            for k in 0..<tries {
                let s = LostSearch()
                s.memberID = c.id
                s.flowID = c.flowID
                let (method, result) = results[(i + k) % results.count]
                s.method = method
                s.onDay = demo.today.adding(days: -(10 + 25 * k)).description
                s.result = result
                s.found = false
                s.byName = "secretary"
                try await s.create(on: demo.db)
            }
        }
    }
}
