import CQRencode
import Foundation

/// A QR code made by libqrencode: a square of dark and light modules.
public struct QRCode: Sendable {
    public let size: Int
    /// Row-major; true is a dark module.
    public let modules: [Bool]

    public enum Problem: Error { case encodingFailed }

    /// Encodes `text` (8-bit mode, case kept) with error correction M or, with `high`, Q.
    public init(_ text: String, high: Bool = false) throws {
        guard let code = QRcode_encodeString8bit(text, 0, high ? QR_ECLEVEL_Q : QR_ECLEVEL_M) else {
            throw Problem.encodingFailed
        }
        defer { QRcode_free(code) }
        let width = Int(code.pointee.width)
        var modules = [Bool](repeating: false, count: width * width)
        for i in 0..<(width * width) { modules[i] = code.pointee.data[i] & 1 == 1 }
        self.size = width
        self.modules = modules
    }

    public func isDark(x: Int, y: Int) -> Bool { modules[y * size + x] }

    /// An SVG with a 4-module quiet zone; one path of unit squares, crisp at any print size.
    public func svg(pixelsPerModule: Int = 8) -> String {
        let quiet = 4
        let total = size + quiet * 2
        var path = ""
        path.reserveCapacity(size * size * 4)
        for y in 0..<size {
            var x = 0
            while x < size {
                guard isDark(x: x, y: y) else {
                    x += 1
                    continue
                }
                var run = 1
                while x + run < size, isDark(x: x + run, y: y) { run += 1 }
                path += "M\(x + quiet) \(y + quiet)h\(run)v1h-\(run)z"
                x += run
            }
        }
        let px = total * pixelsPerModule
        return """
            <svg xmlns="http://www.w3.org/2000/svg" width="\(px)" height="\(px)" viewBox="0 0 \(total) \(total)" shape-rendering="crispEdges">\
            <rect width="\(total)" height="\(total)" fill="#fff"/><path fill="#000" d="\(path)"/></svg>
            """
    }
}
