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

    func serialize(to serializer: inout SQLSerializer) {
        if serializer.dialect.name == "sqlite", path.hasSuffix("/") {
            let upper = String(path.dropLast()) + "0"
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
