import Foundation
import LiudongCore
import Testing

@Suite("Scans are judged by their bytes")
struct ScanFileTests {
    @Test func pdfJpegPngAndNothingElse() {
        #expect(ScanKind.sniff(Array("%PDF-1.7\n...\n%%EOF\n".utf8)) == .pdf)
        #expect(ScanKind.sniff(Array("%PDF-1.7\nno end marker".utf8)) == nil)
        #expect(ScanKind.sniff([0xFF, 0xD8, 0xFF, 0xE0, 0, 0x10, 0x4A, 0x46, 0xFF, 0xD9]) == .jpeg)
        #expect(ScanKind.sniff([0xFF, 0xD8, 0xFF]) == nil)
        let png: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 13] + Array("IHDR".utf8)
        #expect(ScanKind.sniff(png) == .png)
        #expect(ScanKind.sniff(Array(png.prefix(10))) == nil)
        #expect(ScanKind.sniff(Array("<html>%PDF-".utf8)) == nil)
        #expect(ScanKind.sniff([UInt8]()) == nil)
        // Random bytes never trap, whatever their length.
        var rng = SystemRandomNumberGenerator()
        for n in 0..<300 { _ = ScanKind.sniff((0..<n).map { _ in UInt8.random(in: 0...255, using: &rng) }) }
    }
}
