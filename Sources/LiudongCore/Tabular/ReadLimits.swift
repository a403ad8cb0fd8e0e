/// The limits every reader of an uploaded file enforces. A file that goes past one is refused with a Chinese
/// reason (`LimitExceeded`); nothing grows without bound, whatever the file claims about itself.
public struct ReadLimits: Sendable, Equatable {
    /// Uncompressed bytes of one ZIP entry (a worksheet of a million rows is a few hundred MB).
    public var entryBytes: UInt64 = 1 << 30
    /// Uncompressed bytes of all entries read from one file.
    public var totalBytes: UInt64 = 2 << 30
    /// Uncompressed ÷ compressed size of an entry, checked once an entry has produced `ratioFloorBytes`.
    public var compressionRatio: UInt64 = 250
    public var ratioFloorBytes: UInt64 = 16 << 20
    /// Entries read whole into memory (workbook, relationships, styles).
    public var wholeEntryBytes: Int = 16 << 20
    /// Entries in a ZIP's central directory, and the directory's size.
    public var zipEntries: Int = 10_000
    public var centralDirectoryBytes: Int = 16 << 20
    /// Shared strings of a workbook: how many, and their bytes together.
    public var sharedStrings: Int = 2_000_000
    public var sharedStringBytes: Int = 256 << 20
    /// Cells in one row (the column index of the last one): 1,024 columns, far beyond any export we read.
    public var columns: Int = 1_024
    /// Bytes of one cell or CSV field (Excel's own limit is 32,767 characters).
    public var fieldBytes: Int = 128 << 10
    /// Bytes of one XML tag or text run waiting to be completed.
    public var xmlTokenBytes: Int = 1 << 20

    public init() {}

    public static let standard = ReadLimits()

    /// A list uploaded through a page (pairings, tracking numbers) is small: a few thousand rows.
    public static let upload: ReadLimits = {
        var l = ReadLimits()
        l.entryBytes = 64 << 20
        l.totalBytes = 64 << 20
        l.wholeEntryBytes = 16 << 20
        l.sharedStrings = 200_000
        l.sharedStringBytes = 32 << 20
        return l
    }()
}

/// A file that went past one of the `ReadLimits`.
public struct LimitExceeded: Error, CustomStringConvertible, Equatable, Sendable {
    public var description: String
    public init(_ description: String) { self.description = description }

    static func bytes(_ n: some BinaryInteger) -> String {
        let v = UInt64(clamping: n)
        if v >= 1 << 30 { return "\(v >> 30) GB" }
        if v >= 1 << 20 { return "\(v >> 20) MB" }
        if v >= 1 << 10 { return "\(v >> 10) KB" }
        return "\(v) 字节"
    }
}
