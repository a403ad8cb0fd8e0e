/// A value and its label, for a choice on a page (Leaf cannot index arrays).
struct Pair: Encodable, Sendable {
    var value: String
    var label: String
    init(_ value: String, _ label: String) {
        self.value = value
        self.label = label
    }
}
