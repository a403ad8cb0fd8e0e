import CZlib
import Foundation

/// Reads the entries of a ZIP file (an .xlsx is one): the central directory, then each entry streamed through
/// zlib's raw inflate in fixed-size chunks, so reading never holds a whole entry in memory. Zip64 is understood.
public final class ZipArchive {
    public enum Problem: Error, CustomStringConvertible {
        case notZip, truncated, unsupported(String), corrupt(String)
        public var description: String {
            switch self {
            case .notZip: return "不是有效的ZIP/Excel文件"
            case .truncated: return "文件不完整（ZIP结构被截断）"
            case .unsupported(let m): return "不支持的ZIP格式：\(m)"
            case .corrupt(let m): return "文件已损坏：\(m)"
            }
        }
    }

    public struct Entry: Sendable {
        public let name: String
        let method: UInt16
        let compressedSize: UInt64
        public let size: UInt64
        let localHeaderOffset: UInt64
    }

    private let handle: FileHandle
    private let fileSize: UInt64
    public let limits: ReadLimits
    public private(set) var entries: [Entry] = []
    /// Uncompressed bytes produced so far by every entry read from this archive.
    private var totalProduced: UInt64 = 0

    public init(path: String, limits: ReadLimits = .standard) throws {
        guard let h = FileHandle(forReadingAtPath: path) else { throw Problem.notZip }
        handle = h
        self.limits = limits
        fileSize = try h.seekToEnd()
        try readCentralDirectory()
    }

    deinit { try? handle.close() }

    public func entry(_ name: String) -> Entry? { entries.first { $0.name == name } }

    /// `count` bytes at `offset`; every offset a file declares is checked against the file's size first.
    private func read(at offset: UInt64, count: Int) throws -> [UInt8] {
        guard count >= 0, offset <= fileSize, UInt64(count) <= fileSize - offset else { throw Problem.truncated }
        try handle.seek(toOffset: offset)
        let data = try handle.read(upToCount: count) ?? Data()
        guard data.count == count else { throw Problem.truncated }
        return [UInt8](data)
    }

    private func readCentralDirectory() throws {
        guard fileSize >= 22 else { throw Problem.notZip }
        let tailSize = Int(min(fileSize, 65_557))
        let tail = try read(at: fileSize - UInt64(tailSize), count: tailSize)
        guard let eocd = stride(from: tail.count - 22, through: 0, by: -1).first(where: { tail.u32($0) == 0x0605_4b50 })
        else { throw Problem.notZip }
        var count = UInt64(tail.u16(eocd + 10))
        var cdSize = UInt64(tail.u32(eocd + 12))
        var cdOffset = UInt64(tail.u32(eocd + 16))
        // Zip64: the end-of-central-directory locator sits just before the classic record.
        if eocd >= 20, tail.u32(eocd - 20) == 0x0706_4b50 {
            let recordOffset = tail.u64(eocd - 20 + 8)
            let record = try read(at: recordOffset, count: 56)
            guard record.u32(0) == 0x0606_4b50 else { throw Problem.corrupt("zip64 directory") }
            count = record.u64(32)
            cdSize = record.u64(40)
            cdOffset = record.u64(48)
        }
        guard cdOffset <= fileSize, cdSize <= fileSize - cdOffset else { throw Problem.truncated }
        guard cdSize <= UInt64(limits.centralDirectoryBytes) else {
            throw LimitExceeded("ZIP目录过大（超过\(LimitExceeded.bytes(limits.centralDirectoryBytes))），不是正常的Excel文件")
        }
        guard count <= UInt64(limits.zipEntries), count <= cdSize / 46 + 1 else {
            throw count > UInt64(limits.zipEntries)
                ? LimitExceeded("ZIP内文件数超过上限（\(limits.zipEntries)个）") : Problem.corrupt("central directory")
        }
        let cd = try read(at: cdOffset, count: Int(cdSize))
        var p = 0
        entries.reserveCapacity(Int(count))
        for _ in 0..<count {
            guard p <= cd.count - 46, cd.u32(p) == 0x0201_4b50 else { throw Problem.corrupt("central directory") }
            let method = cd.u16(p + 10)
            var compressed = UInt64(cd.u32(p + 20))
            var size = UInt64(cd.u32(p + 24))
            let nameLength = Int(cd.u16(p + 28)), extraLength = Int(cd.u16(p + 30)), commentLength = Int(cd.u16(p + 32))
            var offset = UInt64(cd.u32(p + 42))
            let nameStart = p + 46
            guard nameStart + nameLength + extraLength + commentLength <= cd.count else { throw Problem.truncated }
            let name = String(decoding: cd[nameStart..<(nameStart + nameLength)], as: UTF8.self)
            // Zip64 extended information: the 0xFFFFFFFF fields, in order, each read only if the field holds it.
            var e = nameStart + nameLength
            let extraEnd = e + extraLength
            while e + 4 <= extraEnd {
                let id = cd.u16(e), len = Int(cd.u16(e + 2))
                let fieldEnd = min(e + 4 + len, extraEnd)
                if id == 0x0001 {
                    var q = e + 4
                    func next() throws -> UInt64 {
                        guard q + 8 <= fieldEnd else { throw Problem.corrupt("zip64 extra field") }
                        defer { q += 8 }
                        return cd.u64(q)
                    }
                    if size == 0xFFFF_FFFF { size = try next() }
                    if compressed == 0xFFFF_FFFF { compressed = try next() }
                    if offset == 0xFFFF_FFFF { offset = try next() }
                }
                e += 4 + len
            }
            guard offset < fileSize, compressed <= fileSize else { throw Problem.corrupt("\(name) 的位置或大小超出文件") }
            entries.append(
                Entry(name: name, method: method, compressedSize: compressed, size: size, localHeaderOffset: offset))
            p = extraEnd + commentLength
        }
    }

    /// Streams an entry's uncompressed bytes to `body`, a chunk at a time. Output is checked against the entry's
    /// declared size and the limits as it is produced, so a ZIP bomb stops at the first chunk past a limit.
    public func read(_ entry: Entry, chunkSize: Int = 1 << 16, _ body: (UnsafeRawBufferPointer) throws -> Void) throws {
        let header = try read(at: entry.localHeaderOffset, count: 30)
        guard header.u32(0) == 0x0403_4b50 else { throw Problem.corrupt("local header of \(entry.name)") }
        let dataStart = entry.localHeaderOffset + 30 + UInt64(header.u16(26)) + UInt64(header.u16(28))
        guard dataStart <= fileSize, entry.compressedSize <= fileSize - dataStart else { throw Problem.truncated }
        guard entry.size <= limits.entryBytes else {
            throw LimitExceeded(
                "\(entry.name) 解压后有 \(LimitExceeded.bytes(entry.size))，超过单个文件上限 \(LimitExceeded.bytes(limits.entryBytes))"
            )
        }
        var produced: UInt64 = 0
        func emit(_ bytes: UnsafeRawBufferPointer) throws {
            produced += UInt64(bytes.count)
            totalProduced += UInt64(bytes.count)
            guard produced <= entry.size else { throw Problem.corrupt("\(entry.name) 解压后比声明的大小大") }
            guard totalProduced <= limits.totalBytes else {
                throw LimitExceeded("解压后的内容超过上限 \(LimitExceeded.bytes(limits.totalBytes))")
            }
            if produced > limits.ratioFloorBytes, produced / max(entry.compressedSize, 1) > limits.compressionRatio {
                throw LimitExceeded("\(entry.name) 压缩比异常（超过\(limits.compressionRatio)倍），疑似压缩炸弹，已拒绝")
            }
            try body(bytes)
        }
        try handle.seek(toOffset: dataStart)
        var remaining = entry.compressedSize
        switch entry.method {
        case 0:
            while remaining > 0 {
                let data = try handle.read(upToCount: Int(min(UInt64(chunkSize), remaining))) ?? Data()
                guard !data.isEmpty else { throw Problem.truncated }
                remaining -= UInt64(data.count)
                try data.withUnsafeBytes(emit)
            }
        case 8:
            var stream = z_stream()
            guard inflateInit2_(&stream, -MAX_WBITS, ZLIB_VERSION, Int32(MemoryLayout<z_stream>.size)) == Z_OK else {
                throw Problem.corrupt("zlib init")
            }
            defer { inflateEnd(&stream) }
            var output = [UInt8](repeating: 0, count: chunkSize)
            var finished = false
            while !finished {
                let input =
                    remaining > 0
                    ? (try handle.read(upToCount: Int(min(UInt64(chunkSize), remaining))) ?? Data()) : Data()
                remaining -= UInt64(input.count)
                if input.isEmpty && remaining > 0 { throw Problem.truncated }
                var bytes = [UInt8](input)
                try bytes.withUnsafeMutableBufferPointer { inBuf in
                    stream.next_in = inBuf.baseAddress
                    stream.avail_in = uInt(inBuf.count)
                    repeat {
                        let status = output.withUnsafeMutableBufferPointer { out -> Int32 in
                            stream.next_out = out.baseAddress
                            stream.avail_out = uInt(out.count)
                            return inflate(&stream, Z_NO_FLUSH)
                        }
                        let made = chunkSize - Int(stream.avail_out)
                        if made > 0 {
                            try output.withUnsafeBytes { try emit(UnsafeRawBufferPointer(rebasing: $0[0..<made])) }
                        }
                        if status == Z_STREAM_END {
                            finished = true
                            return
                        }
                        if status == Z_BUF_ERROR && stream.avail_in == 0 { break }
                        guard status == Z_OK else { throw Problem.corrupt("\(entry.name) (zlib \(status))") }
                    } while stream.avail_out == 0 || stream.avail_in > 0
                }
                if !finished && remaining == 0 && input.isEmpty { throw Problem.truncated }
            }
        default:
            throw Problem.unsupported("压缩方式 \(entry.method)")
        }
        guard produced == entry.size else { throw Problem.corrupt("\(entry.name) 解压后大小与声明不符") }
    }

    /// A whole (small) entry, such as workbook.xml or styles.xml.
    public func data(_ name: String) throws -> [UInt8]? {
        guard let e = entry(name) else { return nil }
        guard e.size <= UInt64(limits.wholeEntryBytes) else {
            throw LimitExceeded(
                "\(name) 过大（\(LimitExceeded.bytes(e.size))，上限 \(LimitExceeded.bytes(limits.wholeEntryBytes))）")
        }
        var all: [UInt8] = []
        all.reserveCapacity(Int(e.size))
        try read(e) { all.append(contentsOf: $0) }
        return all
    }
}

extension Array where Element == UInt8 {
    func u16(_ i: Int) -> UInt16 { UInt16(self[i]) | UInt16(self[i + 1]) << 8 }
    func u32(_ i: Int) -> UInt32 { UInt32(u16(i)) | UInt32(u16(i + 2)) << 16 }
    func u64(_ i: Int) -> UInt64 { UInt64(u32(i)) | UInt64(u32(i + 4)) << 32 }
}
