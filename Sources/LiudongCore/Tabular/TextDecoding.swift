import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// The encodings CSV files reach us in: UTF-8 (with or without a BOM) or GB18030 (a superset of GBK and GB2312),
/// detected from the bytes, never asked.
public enum TextEncoding: String, Sendable {
    case utf8 = "UTF-8"
    case gb18030 = "GB18030"

    /// UTF-8 when the sample is valid UTF-8 (a sequence cut off at the end of the sample is allowed), else GB18030.
    public static func detect(_ sample: [UInt8]) -> TextEncoding {
        if sample.starts(with: [0xEF, 0xBB, 0xBF]) { return .utf8 }
        var i = 0
        let n = sample.count
        while i < n {
            let b = sample[i]
            if b < 0x80 {
                i += 1
                continue
            }
            let length: Int
            if b & 0xE0 == 0xC0, b >= 0xC2 {
                length = 2
            } else if b & 0xF0 == 0xE0 {
                length = 3
            } else if b & 0xF8 == 0xF0, b <= 0xF4 {
                length = 4
            } else {
                return .gb18030
            }
            if i + length > n { return .utf8 }  // cut off by the sample's end
            for k in 1..<length where sample[i + k] & 0xC0 != 0x80 { return .gb18030 }
            i += length
        }
        return .utf8
    }
}

/// Converts GB18030 to UTF-8 chunk by chunk with glibc's iconv, carrying a character split across chunks.
public final class GB18030Decoder {
    public enum Problem: Error, CustomStringConvertible {
        case unavailable, invalid(offset: Int)
        public var description: String {
            switch self {
            case .unavailable: return "系统缺少GB18030转换（iconv）"
            case .invalid(let o): return "文件既不是UTF-8也不是有效的GB18030/GBK编码（第\(o)字节附近）"
            }
        }
    }

    private let cd: iconv_t
    private var carry: [UInt8] = []
    private var consumed = 0

    public init() throws {
        let handle = iconv_open("UTF-8", "GB18030")
        guard let handle, handle != iconv_t(bitPattern: -1) else { throw Problem.unavailable }
        cd = handle
    }

    deinit { iconv_close(cd) }

    /// UTF-8 bytes for `chunk`; an incomplete character at its end waits for the next call (or `finish`).
    public func decode(_ chunk: UnsafeRawBufferPointer) throws -> [UInt8] {
        var input = carry
        input.append(contentsOf: chunk)
        carry.removeAll(keepingCapacity: true)
        var output = [UInt8](repeating: 0, count: input.count * 2 + 16)
        let produced: Int = try input.withUnsafeMutableBytes { inRaw in
            try output.withUnsafeMutableBytes { outRaw in
                var inPtr: UnsafeMutablePointer<CChar>? = inRaw.baseAddress?.assumingMemoryBound(to: CChar.self)
                var inLeft = inRaw.count
                var outPtr: UnsafeMutablePointer<CChar>? = outRaw.baseAddress?.assumingMemoryBound(to: CChar.self)
                var outLeft = outRaw.count
                while inLeft > 0 {
                    if iconv(cd, &inPtr, &inLeft, &outPtr, &outLeft) == -1 {
                        let err = errno
                        if err == EINVAL { break }  // incomplete sequence at the end: keep it for the next chunk
                        if err == EILSEQ { throw Problem.invalid(offset: consumed + (inRaw.count - inLeft)) }
                        if err == E2BIG { throw Problem.invalid(offset: consumed) }
                    }
                }
                if inLeft > 0 { carry = Array(UnsafeRawBufferPointer(rebasing: inRaw[(inRaw.count - inLeft)...])) }
                consumed += inRaw.count - inLeft
                return outRaw.count - outLeft
            }
        }
        output.removeSubrange(produced...)
        return output
    }

    /// Fails when the file ended in the middle of a character.
    public func finish() throws {
        if !carry.isEmpty { throw Problem.invalid(offset: consumed) }
    }
}

/// Reads a text file's bytes as UTF-8 in chunks, whatever encoding it came in; a UTF-8 BOM is dropped.
public struct TextFileReader {
    public let encoding: TextEncoding
    private let handle: FileHandle
    private let chunkSize: Int
    private var sample: [UInt8]

    public init(path: String, chunkSize: Int = 1 << 16) throws {
        guard let h = FileHandle(forReadingAtPath: path) else { throw CocoaError(.fileNoSuchFile) }
        handle = h
        self.chunkSize = chunkSize
        sample = [UInt8](try h.read(upToCount: 1 << 16) ?? Data())
        encoding = TextEncoding.detect(sample)
        if sample.starts(with: [0xEF, 0xBB, 0xBF]) { sample.removeFirst(3) }
    }

    /// Streams the whole file as UTF-8 to `body`.
    public mutating func read(_ body: (UnsafeRawBufferPointer) throws -> Void) throws {
        defer { try? handle.close() }
        let decoder = encoding == .gb18030 ? try GB18030Decoder() : nil
        func emit(_ bytes: UnsafeRawBufferPointer) throws {
            if let decoder { try decoder.decode(bytes).withUnsafeBytes(body) } else { try body(bytes) }
        }
        try sample.withUnsafeBytes(emit)
        while let data = try handle.read(upToCount: chunkSize), !data.isEmpty {
            try data.withUnsafeBytes(emit)
        }
        try decoder?.finish()
    }
}
