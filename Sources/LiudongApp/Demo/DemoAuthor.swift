/// The name demo rows are recorded under.
enum DemoAuthor {
    static let username = "demo"
}
