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
