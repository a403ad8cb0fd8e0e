import CZlib
import Foundation

/// Writes ZIP files field by field, so a test can make a file claim exactly what a hostile one would:
/// wrong sizes, absurd counts, broken zip64 records, bombs.
struct ZipBuilder {
    struct Item {
        var name: String
        var stored: [UInt8]  // the bytes as they sit in the file (deflated or not)
        var method: UInt16
        var size: UInt64  // the uncompressed size the directory declares
        var centralExtra: [UInt8] = []
        var sizeField: UInt32?  // overrides the 32-bit size field (0xFFFFFFFF to point at zip64 data)
        var offsetField: UInt32?  // overrides the 32-bit local header offset in the directory
    }

    var items: [Item] = []
    /// Bytes written between the last central directory entry and the end record (a crafted zip64 record, say).
    var beforeEnd: [UInt8] = []
    var entryCountOverride: UInt16?

    mutating func add(_ name: String, _ text: String) {
        let bytes = Array(text.utf8)
        items.append(Item(name: name, stored: bytes, method: 0, size: UInt64(bytes.count)))
    }

    mutating func addDeflated(_ name: String, _ bytes: [UInt8], declaredSize: UInt64? = nil) {
        items.append(
            Item(name: name, stored: Self.deflate(bytes), method: 8, size: declaredSize ?? UInt64(bytes.count)))
    }

    /// `count` bytes of `pattern` repeated (count a multiple of 1 MB), deflated without holding them all.
    mutating func addDeflatedRun(_ name: String, pattern: String, count: Int, declaredSize: UInt64? = nil) {
        let unit = Array(pattern.utf8)
        var chunk: [UInt8] = []
        while chunk.count < 1 << 20 { chunk += unit }
        chunk = Array(chunk[0..<(1 << 20)])
        var stream = z_stream()
        _ = deflateInit2_(
            &stream, 9, Z_DEFLATED, -MAX_WBITS, 8, Z_DEFAULT_STRATEGY, ZLIB_VERSION, Int32(MemoryLayout<z_stream>.size))
        var out: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 1 << 16)
        var left = count
        while true {
            let n = min(left, chunk.count)
            left -= n
            let flush = left == 0 ? Z_FINISH : Z_NO_FLUSH
            var input = Array(chunk[0..<n])
            input.withUnsafeMutableBufferPointer { inBuf in
                stream.next_in = inBuf.baseAddress
                stream.avail_in = uInt(n)
                repeat {
                    buffer.withUnsafeMutableBufferPointer { outBuf in
                        stream.next_out = outBuf.baseAddress
                        stream.avail_out = uInt(outBuf.count)
                        _ = CZlib.deflate(&stream, flush)
                        out.append(contentsOf: outBuf[0..<(outBuf.count - Int(stream.avail_out))])
                    }
                } while stream.avail_out == 0
            }
            if flush == Z_FINISH { break }
        }
        deflateEnd(&stream)
        items.append(Item(name: name, stored: out, method: 8, size: declaredSize ?? UInt64(count)))
    }

    static func deflate(_ bytes: [UInt8]) -> [UInt8] {
        var stream = z_stream()
        _ = deflateInit2_(
            &stream, 6, Z_DEFLATED, -MAX_WBITS, 8, Z_DEFAULT_STRATEGY, ZLIB_VERSION, Int32(MemoryLayout<z_stream>.size))
        defer { deflateEnd(&stream) }
        var input = bytes
        var out = [UInt8](repeating: 0, count: Int(deflateBound(&stream, uLong(bytes.count))) + 64)
        let produced: Int = input.withUnsafeMutableBufferPointer { inBuf in
            out.withUnsafeMutableBufferPointer { outBuf in
                stream.next_in = inBuf.baseAddress
                stream.avail_in = uInt(inBuf.count)
                stream.next_out = outBuf.baseAddress
                stream.avail_out = uInt(outBuf.count)
                _ = CZlib.deflate(&stream, Z_FINISH)
                return outBuf.count - Int(stream.avail_out)
            }
        }
        return Array(out[0..<produced])
    }

    func bytes() -> [UInt8] {
        var file: [UInt8] = []
        var central: [UInt8] = []
        for item in items {
            let offset = UInt32(file.count)
            let name = Array(item.name.utf8)
            file += le32(0x0403_4b50) + le16(20) + le16(0x0800) + le16(item.method) + le32(0) + le32(0)
            file += le32(UInt32(item.stored.count)) + le32(item.sizeField ?? UInt32(clamping: item.size))
            file += le16(UInt16(name.count)) + le16(0) + name + item.stored
            central += le32(0x0201_4b50) + le16(20) + le16(20) + le16(0x0800) + le16(item.method) + le32(0) + le32(0)
            central += le32(UInt32(item.stored.count)) + le32(item.sizeField ?? UInt32(clamping: item.size))
            central +=
                le16(UInt16(name.count)) + le16(UInt16(item.centralExtra.count)) + le16(0) + le16(0) + le16(0) + le32(0)
            central += le32(item.offsetField ?? offset) + name + item.centralExtra
        }
        let cdOffset = UInt32(file.count)
        file += central
        file += beforeEnd
        let count = entryCountOverride ?? UInt16(items.count)
        file +=
            le32(0x0605_4b50) + le16(0) + le16(0) + le16(count) + le16(count) + le32(UInt32(central.count))
            + le32(cdOffset) + le16(0)
        return file
    }

    func write() throws -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("crafted-\(UUID().uuidString).xlsx")
            .path
        try Data(bytes()).write(to: URL(fileURLWithPath: path))
        return path
    }

    /// A one-sheet workbook around `sheetData` (the rows inside `<sheetData>`), with style 1 a date format.
    static func workbook(sheetData: String, sharedStrings: String? = nil) -> ZipBuilder {
        var zip = ZipBuilder()
        zip.add(
            "xl/workbook.xml", #"<workbook><sheets><sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>"#)
        zip.add(
            "xl/_rels/workbook.xml.rels",
            #"<Relationships><Relationship Id="rId1" Target="worksheets/sheet1.xml"/></Relationships>"#)
        zip.add("xl/styles.xml", #"<styleSheet><cellXfs><xf numFmtId="0"/><xf numFmtId="14"/></cellXfs></styleSheet>"#)
        if let sharedStrings { zip.add("xl/sharedStrings.xml", sharedStrings) }
        zip.add("xl/worksheets/sheet1.xml", "<worksheet><sheetData>\(sheetData)</sheetData></worksheet>")
        return zip
    }
}

func le16(_ v: UInt16) -> [UInt8] { [UInt8(v & 0xFF), UInt8(v >> 8)] }
func le32(_ v: UInt32) -> [UInt8] { le16(UInt16(v & 0xFFFF)) + le16(UInt16(v >> 16)) }
func le64(_ v: UInt64) -> [UInt8] { le32(UInt32(v & 0xFFFF_FFFF)) + le32(UInt32(v >> 32)) }
