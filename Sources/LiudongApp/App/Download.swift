import Foundation
import LiudongCore
import Vapor

extension Request {
    /// Streams a temporary file as a download (removed once sent), named for Chinese users (RFC 5987) with an
    /// ASCII fallback for old clients.
    func download(_ path: String, kind: DownloadKind, name: String, fallback: String) async throws -> Response {
        let res = try await fileio.asyncStreamFile(at: path, onCompleted: { _ in try? FileManager.default.removeItem(atPath: path) })
        res.headers.contentType = kind.mediaType
        let encoded = name.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? name
        res.headers.replaceOrAdd(name: .contentDisposition, value: "attachment; filename=\"\(fallback)\"; filename*=UTF-8''\(encoded)")
        return res
    }
}

enum DownloadKind {
    case xlsx, csv
    var mediaType: HTTPMediaType {
        switch self {
        case .xlsx: return HTTPMediaType(type: "application", subType: "vnd.openxmlformats-officedocument.spreadsheetml.sheet")
        case .csv: return HTTPMediaType(type: "text", subType: "csv", parameters: ["charset": "utf-8"])
        }
    }
}

/// Reads a command's `--quarter` (default: the current quarter), failing with the Chinese message operators see.
func commandQuarter(_ raw: String?, console: Console) throws -> Quarter {
    guard let raw else { return .current() }
    guard let q = Quarter(raw) else { console.error("--quarter 格式应为 2026Q2"); throw CommandFailed() }
    return q
}
