/// Counts kept per organization are read by scopes: a scope's figure is the sum over its subtree. `SubtreeSums`
/// turns counts per organization into, for every organization, the sum over the organization and all below it, using
/// the materialized paths (`/1/5/77/`), so a county or the province reads one row per figure instead of counting
/// again.
public enum SubtreeSums {
    /// The ids on a path, the root first (`/1/5/77/` → 1, 5, 77); segments that are not ids are skipped.
    public static func ids(onPath path: String) -> [Int] {
        path.split(separator: "/").compactMap { Int($0) }
    }

    /// For every organization that lies on the path of a counted one: the sum of the counts at and below it. An
    /// organization whose path is unknown counts only for itself. Sums saturate instead of overflowing.
    public static func rollUp(_ counts: [Int: Int], paths: [Int: String]) -> [Int: Int] {
        var sums: [Int: Int] = [:]
        for (org, n) in counts where n != 0 {
            let chain = paths[org].map(ids(onPath:)) ?? []
            let ancestors = chain.contains(org) ? chain : chain + [org]
            for a in ancestors {
                let (v, overflow) = sums[a, default: 0].addingReportingOverflow(n)
                sums[a] = overflow ? (n > 0 ? Int.max : Int.min) : v
            }
        }
        return sums
    }

    /// A scope's figures as the worklist counts them: its own part (the sum at the scope less its children's sums)
    /// under the scope's id, and each child's sum under the child's id, so a roll-up per child adds up as before.
    public static func scopeShares(scope: Int, sum: Int, children: [Int: Int]) -> [Int: Int] {
        var out = children.filter { $0.value != 0 }
        let own = sum - children.values.reduce(0) { $0.addingReportingOverflow($1).overflow ? $0 : $0 + $1 }
        if own != 0 { out[scope] = own }
        return out
    }

    /// Per organization, how many keys (e.g. inflow organizations) its whole subtree counts `threshold` or more of,
    /// from counts per (organization on the path of `ids`, key): each row adds to every organization on its path.
    /// A figure of the subtree, not a sum of the children's (two children with 6 each make 1 at 10, neither alone).
    public static func keysReaching(_ rows: [(ids: [Int], key: Int, n: Int)], threshold: Int) -> [Int: Int] {
        struct Pair: Hashable {
            var org: Int
            var key: Int
        }
        var sums: [Pair: Int] = [:]
        for row in rows where row.n > 0 {
            for org in row.ids {
                let (sum, overflow) = sums[Pair(org: org, key: row.key), default: 0].addingReportingOverflow(row.n)
                sums[Pair(org: org, key: row.key)] = overflow ? Int.max : sum
            }
        }
        var out: [Int: Int] = [:]
        for (pair, n) in sums where n >= threshold { out[pair.org, default: 0] += 1 }
        return out
    }
}
