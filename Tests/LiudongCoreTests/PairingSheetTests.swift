import Foundation
import Testing

@testable import LiudongCore

@Suite("Pairing list reader: header anywhere in the first 30 rows, spellings, empty rows, side words")
struct PairingSheetTests {
    static func feed(_ rows: [[String]], maxRows: Int = 5000) throws -> [PairingSheet.Row] {
        var sheet = PairingSheet(maxRows: maxRows)
        var out: [PairingSheet.Row] = []
        for (i, row) in rows.enumerated() {
            if let r = try sheet.consume(row: i + 1, cells: row.map { .text($0) }) { out.append(r) }
        }
        try sheet.finish()
        return out
    }

    @Test func aTitleRowFullWidthHeadersAndEmptyRowsAreTolerated() throws {
        let rows = try Self.feed([
            ["某某党委结对名单（2026年）"], [],
            ["序号", "党员姓名", "身份证号", "结对方", "结对人姓名", "职 务", "联系电话", "党组织代码"],
            ["1", "张三", "150422199001011234", "流出地", "李四", "支部书记", "13800001111", "1504220101"],
            ["", "", "", "", "", "", "", ""],
            ["2", "王五", "150422199001015678", "", "赵六", "班子成员", "13800002222", "1504220101"],
        ])
        #expect(rows.count == 2)
        #expect(rows[0].row == 4 && rows[0][.idNumber] == "150422199001011234" && rows[0][.cadreName] == "李四")
        #expect(rows[0][.cadrePost] == "支部书记" && rows[0][.cadreOrg] == "1504220101")
        #expect(rows[1][.side] == nil && PairingSheet.side(rows[1][.side]) == "outflow")
    }

    @Test func noHeaderAndTooManyRowsAreNamedProblems() {
        #expect(throws: PairingSheet.Problem.noHeader) {
            try Self.feed((0..<40).map { ["x\($0)", "y"] })
        }
        #expect(throws: PairingSheet.Problem.noHeader) { try Self.feed([["姓名", "电话"]]) }
        #expect(throws: PairingSheet.Problem.tooManyRows(2)) {
            try Self.feed(
                [["公民身份号码", "结对人", "联系电话"]] + (0..<3).map { ["15042219900101123\($0)", "李四", "138"] },
                maxRows: 2)
        }
    }

    @Test func sideWords() {
        #expect(PairingSheet.side("流入地") == "inflow" && PairingSheet.side(" 流出 ") == "outflow")
        #expect(PairingSheet.side("inflow") == "inflow" && PairingSheet.side("两地") == nil)
        #expect(PairingSheet.side("") == "outflow" && PairingSheet.side(nil) == "outflow")
    }
}
