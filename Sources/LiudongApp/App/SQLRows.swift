/// Rows many queries return: a count (`SELECT COUNT(*) AS n`), an id, a path.
struct CountResult: Decodable {
    var n: Int
}

struct IDResult: Decodable {
    var id: Int
}
