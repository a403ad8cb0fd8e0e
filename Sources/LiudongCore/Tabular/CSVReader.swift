/// A streaming CSV parser (RFC 4180 with the usual tolerance): quoted fields with doubled quotes and line breaks,
/// CRLF or LF, comma separators. Each record comes with its row number as a spreadsheet shows it (1-based record count).
public struct CSVParser {
    private var field: [UInt8] = []
    private var record: [String] = []
    private var inQuotes = false
    private var quoteSeen = false  // the previous byte closed a quoted section (or was a doubled quote's first half)
    private var afterCR = false
    private var row = 0
    private var recordHasContent = false
    private let limits: ReadLimits

    public init(limits: ReadLimits = .standard) { self.limits = limits }

    public mutating func feed(_ bytes: UnsafeRawBufferPointer, _ body: (Int, [String]) throws -> Void) throws {
        for b in bytes {
            if afterCR {
                afterCR = false
                if b == 0x0A { continue }
            }
            if inQuotes {
                if b == 0x22 {
                    inQuotes = false
                    quoteSeen = true
                } else {
                    try append(b)
                }
                continue
            }
            switch b {
            case 0x22:
                if quoteSeen {
                    try append(0x22)
                    inQuotes = true
                    quoteSeen = false
                }  // "" inside quotes
                else {
                    inQuotes = true
                    recordHasContent = true
                }
            case 0x2C:
                quoteSeen = false
                try endField()
            case 0x0A, 0x0D:
                quoteSeen = false
                if b == 0x0D { afterCR = true }
                try endRecord(body)
            default:
                quoteSeen = false
                try append(b)
                recordHasContent = true
            }
        }
    }

    public mutating func finish(_ body: (Int, [String]) throws -> Void) throws {
        if !field.isEmpty || !record.isEmpty || recordHasContent { try endRecord(body) }
    }

    private mutating func append(_ b: UInt8) throws {
        guard field.count < limits.fieldBytes else {
            throw LimitExceeded("第\(row + 1)行有字段超过\(LimitExceeded.bytes(limits.fieldBytes))，已拒绝")
        }
        field.append(b)
    }

    private mutating func endField() throws {
        guard record.count < limits.columns else {
            throw LimitExceeded("第\(row + 1)行的字段数超过上限（\(limits.columns)个），已拒绝")
        }
        record.append(String(decoding: field, as: UTF8.self))
        field.removeAll(keepingCapacity: true)
        recordHasContent = true
    }

    private mutating func endRecord(_ body: (Int, [String]) throws -> Void) throws {
        row += 1
        guard recordHasContent || !field.isEmpty else { return }  // blank line: counted, not returned
        try endField()
        let r = record
        record.removeAll(keepingCapacity: true)
        recordHasContent = false
        try body(row, r)
    }
}
