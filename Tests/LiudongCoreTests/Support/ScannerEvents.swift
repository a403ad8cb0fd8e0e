@testable import LiudongCore

extension XMLScanner {
    /// The events of `xml` fed `chunk` bytes at a time, written out as strings: `<name a=1,b=2>` (`/>` when
    /// self-closing), `</name>`, text as it came.
    static func events(_ xml: String, chunk: Int) throws -> [String] {
        var out: [String] = []
        var scanner = XMLScanner()
        let bytes = Array(xml.utf8)
        for start in stride(from: 0, to: bytes.count, by: chunk) {
            try bytes[start..<min(bytes.count, start + chunk)].withUnsafeBytes { raw in
                try scanner.feed(raw) { e in
                    switch e {
                    case .start(let n, let a, let c):
                        out.append(
                            "<\(n) \(a.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: ","))\(c ? "/" : "")>"
                        )
                    case .end(let n): out.append("</\(n)>")
                    case .text(let t): out.append(t)
                    }
                }
            }
        }
        return out
    }
}
