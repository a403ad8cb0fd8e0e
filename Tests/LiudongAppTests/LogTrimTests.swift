import Foundation
import Logging
import NIOConcurrencyHelpers
import Testing

@testable import LiudongApp

/// Issue 31: a failed bulk statement was logged as one 2.9 MB line (the statement with every placeholder).
@Suite("Logs: every line cut to a readable length")
struct LogTrimTests {
    final class Captured: @unchecked Sendable {
        let lines = NIOLockedValueBox<[String]>([])
    }

    struct Capture: LogHandler {
        let into: Captured
        var logLevel: Logger.Level = .trace
        var metadata: Logger.Metadata = [:]
        subscript(metadataKey key: String) -> Logger.Metadata.Value? {
            get { metadata[key] }
            set { metadata[key] = newValue }
        }
        func log(event: LogEvent) {
            let meta = (event.metadata ?? [:]).map { "\($0.key)=\($0.value)" }.sorted().joined(separator: " ")
            into.lines.withLockedValue { $0.append(event.message.description + " " + meta) }
        }
    }

    struct Huge: Error, CustomStringConvertible {
        var description: String {
            "PSQLError(tooManyParameters) INSERT INTO t VALUES " + String(repeating: "($1, $2), ", count: 300_000)
        }
    }

    @Test func aThreeMegabyteStatementIsLoggedAsItsFirstFewThousandCharacters() {
        let captured = Captured()
        let logger = Logger(label: "test") { _ in TrimmedLogHandler(Capture(into: captured)) }
        let statement = "INSERT INTO org_life_attendance VALUES " + String(repeating: "($1, $2, $3), ", count: 200_000)
        logger.error("\(statement)", metadata: ["sql": .string(statement)])
        logger.report(error: Huge())
        logger.info("短消息保持原样")
        let lines = captured.lines.withLockedValue { $0 }
        #expect(lines.count == 3)
        #expect(lines.allSatisfy { $0.count < 3 * TrimmedLogHandler.limit })
        #expect(lines[0].hasPrefix("INSERT INTO org_life_attendance VALUES ($1, $2, $3)"))
        #expect(lines[0].contains("日志已截断：共 \(statement.count) 个字符"))
        #expect(lines[1].contains("PSQLError(tooManyParameters)"))
        #expect(lines[2] == "短消息保持原样 ")
    }
}
