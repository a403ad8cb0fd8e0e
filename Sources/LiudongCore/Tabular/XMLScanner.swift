/// A small streaming scanner for the XML inside .xlsx files: start tags with attributes, end tags and text,
/// fed in arbitrary chunks. Namespaces are dropped to the local name; entities and character references are decoded.
/// It is not a general XML parser (no DTDs); comments, processing instructions and CDATA are handled.
struct XMLScanner {
    enum Event {
        case start(name: String, attributes: [String: String], selfClosing: Bool)
        case end(name: String)
        case text(String)
    }

    private var pending: [UInt8] = []
    /// How far into `pending` the unfinished token at its start was already searched (so a long token arriving in
    /// many chunks is scanned once, not once per chunk), and the quote a tag's search stopped inside.
    private var searched = 0
    private var searchedQuote: UInt8 = 0
    private let maxTokenBytes: Int

    init(maxTokenBytes: Int = ReadLimits.standard.xmlTokenBytes) {
        self.maxTokenBytes = maxTokenBytes
    }

    mutating func feed(_ chunk: UnsafeRawBufferPointer, _ handle: (Event) throws -> Void) throws {
        pending.append(contentsOf: chunk)
        var i = 0
        let n = pending.count
        var hint = searched, hintQuote = searchedQuote
        var stoppedQuote: UInt8 = 0
        try pending.withUnsafeBufferPointer { b in
            while i < n {
                defer {
                    hint = 0
                    hintQuote = 0
                }
                if b[i] != UInt8(ascii: "<") {
                    // wait for the rest of the text
                    guard let lt = Self.find(b, UInt8(ascii: "<"), from: max(i, i + hint)) else { return }
                    try handle(.text(Self.decode(b, i, lt)))
                    i = lt
                    continue
                }
                // Comments, CDATA and declarations end with their own terminators.
                if Self.matches(b, i, "<!--") {
                    guard let e = Self.find(b, "-->", from: max(i + 4, i + hint - 2)) else { return }
                    i = e + 3
                    continue
                }
                if Self.matches(b, i, "<![CDATA[") {
                    guard let e = Self.find(b, "]]>", from: max(i + 9, i + hint - 2)) else { return }
                    try handle(.text(String(decoding: UnsafeBufferPointer(rebasing: b[(i + 9)..<e]), as: UTF8.self)))
                    i = e + 3
                    continue
                }
                if n - i < 9 && (Self.isPrefix(b, i, "<!--") || Self.isPrefix(b, i, "<![CDATA[")) {
                    return  // not enough bytes yet to tell a comment or CDATA from a tag
                }
                let resumeAt = hint > 0 ? i + hint : i + 1
                let found = Self.findTagEnd(b, from: resumeAt, quote: hint > 0 ? hintQuote : 0)
                guard let gt = found.index else {
                    stoppedQuote = found.quote
                    return
                }
                if b[i + 1] == UInt8(ascii: "?") || b[i + 1] == UInt8(ascii: "!") {
                    i = gt + 1
                    continue
                }
                if b[i + 1] == UInt8(ascii: "/") {
                    try handle(.end(name: Self.localName(b, i + 2, gt)))
                } else {
                    let selfClosing = b[gt - 1] == UInt8(ascii: "/") && gt - 1 > i
                    try handle(Self.startTag(b, i + 1, selfClosing ? gt - 1 : gt, selfClosing: selfClosing))
                }
                i = gt + 1
            }
        }
        let left = n - i
        guard left <= maxTokenBytes else {
            throw LimitExceeded("Excel文件内部有超过\(LimitExceeded.bytes(maxTokenBytes))的单个标记或文本，已拒绝")
        }
        searched = left
        searchedQuote = stoppedQuote
        pending.removeFirst(i)
    }

    /// Whether the bytes from `i` to the end are the start of `s` (so more bytes may complete it).
    private static func isPrefix(_ b: UnsafeBufferPointer<UInt8>, _ i: Int, _ s: StaticString) -> Bool {
        let count = min(s.utf8CodeUnitCount, b.count - i)
        return s.withUTF8Buffer { p in (0..<count).allSatisfy { b[i + $0] == p[$0] } }
    }

    private static func matches(_ b: UnsafeBufferPointer<UInt8>, _ i: Int, _ s: StaticString) -> Bool {
        let count = s.utf8CodeUnitCount
        guard i + count <= b.count else { return false }
        return s.withUTF8Buffer { p in (0..<count).allSatisfy { b[i + $0] == p[$0] } }
    }

    private static func find(_ b: UnsafeBufferPointer<UInt8>, _ c: UInt8, from: Int) -> Int? {
        var j = from
        while j < b.count {
            if b[j] == c { return j }
            j += 1
        }
        return nil
    }

    private static func find(_ b: UnsafeBufferPointer<UInt8>, _ s: StaticString, from: Int) -> Int? {
        var j = from
        while j < b.count {
            if matches(b, j, s) { return j }
            j += 1
        }
        return nil
    }

    /// The `>` closing a tag, skipping quoted attribute values; when there is none yet, the quote the search ended in.
    private static func findTagEnd(_ b: UnsafeBufferPointer<UInt8>, from: Int, quote start: UInt8) -> (
        index: Int?, quote: UInt8
    ) {
        var j = from
        var quote = start
        while j < b.count {
            let c = b[j]
            if quote != 0 {
                if c == quote { quote = 0 }
            } else if c == UInt8(ascii: "\"") || c == UInt8(ascii: "'") {
                quote = c
            } else if c == UInt8(ascii: ">") {
                return (j, 0)
            }
            j += 1
        }
        return (nil, quote)
    }

    private static func isSpace(_ c: UInt8) -> Bool { c == 0x20 || c == 0x09 || c == 0x0A || c == 0x0D }

    private static func localName(_ b: UnsafeBufferPointer<UInt8>, _ from: Int, _ to: Int) -> String {
        var start = from, end = from
        while end < to && !isSpace(b[end]) && b[end] != UInt8(ascii: "/") {
            if b[end] == UInt8(ascii: ":") { start = end + 1 }
            end += 1
        }
        return String(decoding: UnsafeBufferPointer(rebasing: b[start..<end]), as: UTF8.self)
    }

    private static func startTag(_ b: UnsafeBufferPointer<UInt8>, _ from: Int, _ to: Int, selfClosing: Bool) -> Event {
        var j = from
        while j < to && !isSpace(b[j]) { j += 1 }
        let name = localName(b, from, j)
        var attributes: [String: String] = [:]
        while j < to {
            while j < to && isSpace(b[j]) { j += 1 }
            let keyStart = j
            while j < to && b[j] != UInt8(ascii: "=") && !isSpace(b[j]) { j += 1 }
            let key = localName(b, keyStart, j)
            while j < to && b[j] != UInt8(ascii: "\"") && b[j] != UInt8(ascii: "'") { j += 1 }
            guard j < to else { break }
            let quote = b[j]
            let valueStart = j + 1
            j = valueStart
            while j < to && b[j] != quote { j += 1 }
            if !key.isEmpty { attributes[key] = decode(b, valueStart, j) }
            j += 1
        }
        return .start(name: name, attributes: attributes, selfClosing: selfClosing)
    }

    /// The `;` ending an entity whose name starts at `from`, if it comes before `limit` and before another `&`.
    private static func entityEnd(_ b: UnsafeBufferPointer<UInt8>, _ from: Int, _ limit: Int) -> Int? {
        var k = from
        while k < limit {
            if b[k] == UInt8(ascii: ";") { return k > from ? k : nil }
            if b[k] == UInt8(ascii: "&") { return nil }
            k += 1
        }
        return nil
    }

    /// Text with `&amp;`-style entities and `&#…;` references decoded.
    static func decode(_ b: UnsafeBufferPointer<UInt8>, _ from: Int, _ to: Int) -> String {
        guard from < to else { return "" }
        guard let amp = find(UnsafeBufferPointer(rebasing: b[from..<to]), UInt8(ascii: "&"), from: 0) else {
            return String(decoding: UnsafeBufferPointer(rebasing: b[from..<to]), as: UTF8.self)
        }
        var out = String(decoding: UnsafeBufferPointer(rebasing: b[from..<(from + amp)]), as: UTF8.self)
        var j = from + amp
        var run = j
        while j < to {
            // An entity is short and has no `&` in it: look for its `;` within 12 bytes, so a run of bare `&`
            // stays linear (and each bare `&` stays as written).
            guard b[j] == UInt8(ascii: "&"), let semi = entityEnd(b, j + 1, min(to, j + 12)) else {
                j += 1
                continue
            }
            out += String(decoding: UnsafeBufferPointer(rebasing: b[run..<j]), as: UTF8.self)
            let entity = String(decoding: UnsafeBufferPointer(rebasing: b[(j + 1)..<semi]), as: UTF8.self)
            switch entity {
            case "amp": out += "&"
            case "lt": out += "<"
            case "gt": out += ">"
            case "quot": out += "\""
            case "apos": out += "'"
            default:
                let scalar: UInt32? =
                    entity.hasPrefix("#x") || entity.hasPrefix("#X")
                    ? UInt32(entity.dropFirst(2), radix: 16)
                    : entity.hasPrefix("#") ? UInt32(entity.dropFirst()) : nil
                if let s = scalar.flatMap(Unicode.Scalar.init) {
                    out.unicodeScalars.append(s)
                } else {
                    out += "&" + entity + ";"
                }
            }
            j = semi + 1
            run = j
        }
        out += String(decoding: UnsafeBufferPointer(rebasing: b[run..<to]), as: UTF8.self)
        return out
    }
}
