/// What an uploaded scan (a signed agreement, a photo) really is, judged by its bytes, never by its name or the
/// browser's type: a PDF (header and end marker), a JPEG (start and end markers) or a PNG (signature and IHDR).
public enum ScanKind: String, Sendable, CaseIterable {
    case pdf, jpeg, png

    public var mimeType: String {
        switch self {
        case .pdf: return "application/pdf"
        case .jpeg: return "image/jpeg"
        case .png: return "image/png"
        }
    }

    public var fileExtension: String {
        switch self {
        case .pdf: return "pdf"
        case .jpeg: return "jpg"
        case .png: return "png"
        }
    }

    /// The kind of `bytes`, or nil when they are none of the three (or cut short).
    public static func sniff<C: RandomAccessCollection>(_ bytes: C) -> ScanKind?
    where C.Element == UInt8, C.Index == Int {
        let n = bytes.count
        let start = bytes.startIndex
        func at(_ i: Int) -> UInt8 { bytes[start + i] }
        func begins(_ prefix: [UInt8]) -> Bool {
            guard n >= prefix.count else { return false }
            for (i, b) in prefix.enumerated() where at(i) != b { return false }
            return true
        }
        if begins(Array("%PDF-".utf8)) {
            // The end marker within the last kilobyte (trailing whitespace and junk are common).
            let eof = Array("%%EOF".utf8)
            let from = max(5, n - 1024)
            guard n - eof.count >= from else { return nil }
            for i in stride(from: n - eof.count, through: from, by: -1) {
                if (0..<eof.count).allSatisfy({ at(i + $0) == eof[$0] }) { return .pdf }
            }
            return nil
        }
        if begins([0xFF, 0xD8, 0xFF]) {
            guard n >= 8 else { return nil }
            let from = max(3, n - 64)
            for i in stride(from: n - 2, through: from, by: -1) where at(i) == 0xFF && at(i + 1) == 0xD9 {
                return .jpeg
            }
            return nil
        }
        if begins([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]) {
            guard n >= 16, at(12) == 0x49, at(13) == 0x48, at(14) == 0x44, at(15) == 0x52 else { return nil }
            return .png
        }
        return nil
    }
}
