import FluentKit
import FluentSQL
import NIOConcurrencyHelpers
import SQLKit

/// “Organization path starts with P”, written so that the database can use its index on the path.
/// SQLite's LIKE is case-insensitive and never uses a BINARY index, so there it is a range: every path ends in “/”,
/// and the next string after all those starting with P is P with its final “/” raised to “0”.
/// PostgreSQL keeps LIKE: under a non-C collation a range on “/” would not mean “starts with”.
struct PathPrefix: SQLExpression {
    let column: String
    let path: String

    init(_ column: String, _ path: String) {
        self.column = column
        self.path = path
    }

    /// The first string after every path that starts with `path` (which ends in “/”).
    static func upperBound(_ path: String) -> String { String(path.dropLast()) + "0" }

    func serialize(to serializer: inout SQLSerializer) {
        if serializer.dialect.name == "sqlite", path.hasSuffix("/") {
            let upper = Self.upperBound(path)
            serializer.write("(")
            SQLRaw(column).serialize(to: &serializer)
            serializer.write(" >= ")
            SQLBind(path).serialize(to: &serializer)
            serializer.write(" AND ")
            SQLRaw(column).serialize(to: &serializer)
            serializer.write(" < ")
            SQLBind(upper).serialize(to: &serializer)
            serializer.write(")")
        } else {
            SQLRaw(column).serialize(to: &serializer)
            serializer.write(" LIKE ")
            SQLBind(path + "%").serialize(to: &serializer)
        }
    }
}

/// The one check for a redirect target taken from a request (`next`, `back`): a path on this site, or "/".
/// Browsers drop tabs and line breaks inside URLs and read `\` as `/`, so `/%09/evil.example` would become
/// `//evil.example`: any control character, space or backslash makes the target unsafe.
enum LocalPath {
    static func safe(_ raw: String?, fallback: String = "/") -> String {
        guard let raw, raw.hasPrefix("/"), !raw.hasPrefix("//"), raw.utf8.count <= 2048,
            !raw.unicodeScalars.contains(where: {
                $0.value < 0x21 || $0.value == 0x7F || $0 == "\\" || ($0.value >= 0x80 && $0.properties.isWhitespace)
            })
        else { return fallback }
        return raw
    }
}

/// The join from flows to their members and branches, for queries over a subtree. On SQLite, over the whole tree
/// (a root path, where the path range selects every branch) the flows are read first — a few percent of the members
/// — as `CROSS JOIN`, which SQLite keeps in the written order; under a county the branches' range is the narrow
/// side and the planner's own order is the fast one. PostgreSQL plans both well with a plain `JOIN`.
struct FlowJoin: SQLExpression {
    let path: String

    init(under path: String) { self.path = path }

    var flowsFirst: Bool { path.split(separator: "/").count <= 1 }

    func serialize(to serializer: inout SQLSerializer) {
        serializer.write(serializer.dialect.name == "sqlite" && flowsFirst ? "CROSS JOIN" : "JOIN")
    }
}

/// Which way a count over a subtree joins. A branch, a committee or a county holds a few dozen organizations: walk
/// them, their members, then each member's rows (milliseconds). A city or a province holds thousands: walking every
/// member of every organization to find the few rows counted cost 1–2 s at 1,000,000 members, where starting from
/// the rows themselves (the open flows, the lost ones) costs milliseconds. SQLite joins in the order written with
/// CROSS JOIN; PostgreSQL chooses its own order either way.
enum ScopeWidth {
    /// Organizations under a path from which it counts as wide. Both ways count the same rows (a test counts each
    /// way on a small tree by lowering this); only the time differs.
    static var wideAt: Int {
        get { threshold.withLockedValue { $0 } }
        set { threshold.withLockedValue { $0 = newValue } }
    }
    private static let threshold = NIOLockedValueBox(1000)

    static func isWide(_ path: String, on sql: SQLDatabase) async throws -> Bool {
        let n =
            try await sql.raw(
                """
                SELECT COUNT(*) AS n FROM (SELECT 1 AS one FROM organizations WHERE \(PathPrefix("path", path))
                LIMIT \(unsafeRaw: String(wideAt))) AS under_path
                """
            ).first(decoding: CountResult.self)?.n ?? 0
        return n >= wideAt
    }
}

extension QueryBuilder {
    /// Fluent's `path =~ P` is a LIKE, which SQLite never answers from the path's index: a county's page walked every
    /// flow of the province (1.3 s at 1,000,000 members). This is the same filter written as `PathPrefix`.
    func under<Joined: FluentKit.Model>(_ joined: Joined.Type, path: String) -> Self {
        filter(.sql(embed: "\(PathPrefix("\"\(Joined.schema)\".\"path\"", path))"))
    }

    /// Organizations (the queried model's own `path`) under `path`.
    func under(path: String) -> Self { under(Model.self, path: path) }
}
