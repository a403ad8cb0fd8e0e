/// One line of an organization's or a member's event timeline as pages show it: when, what, by whom.
struct TimelineEntry: Encodable {
    var at: String
    var summary: String
    var by: String
}
