import Crypto
import Fluent
import Foundation
import LiudongCore
import Vapor

extension Request {
    /// Streams a temporary file as a download (removed once sent), named for Chinese users (RFC 5987) with an
    /// ASCII fallback for old clients.
    func download(_ path: String, kind: DownloadKind, name: String, fallback: String) async throws -> Response {
        let res = try await fileio.asyncStreamFile(
            at: path, onCompleted: { _ in try? FileManager.default.removeItem(atPath: path) })
        res.headers.contentType = kind.mediaType
        let encoded = name.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? name
        res.headers.replaceOrAdd(
            name: .contentDisposition, value: "attachment; filename=\"\(fallback)\"; filename*=UTF-8''\(encoded)")
        return res
    }
}

enum DownloadKind {
    case xlsx, csv
    var mediaType: HTTPMediaType {
        switch self {
        case .xlsx:
            return HTTPMediaType(type: "application", subType: "vnd.openxmlformats-officedocument.spreadsheetml.sheet")
        case .csv: return HTTPMediaType(type: "text", subType: "csv", parameters: ["charset": "utf-8"])
        }
    }
}

/// Files that hold personal data (uploads, unmasked exports) live under `var/private` (mode 0700), each file 0600,
/// and are removed on every path: after sending, after applying or abandoning, after a day, and when a step throws.
enum PrivateFiles {
    static func directory(_ app: Application, _ sub: String) throws -> String {
        let dir = app.settings.varDirectory + "/private/" + sub
        try FileManager.default.createDirectory(
            atPath: dir, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        try? FileManager.default.setAttributes(
            [.posixPermissions: 0o700], ofItemAtPath: app.settings.varDirectory + "/private")
        return dir
    }

    /// A new empty file, mode 0600, that a writer then fills.
    static func make(_ app: Application, _ sub: String, name: String) throws -> String {
        let path = try directory(app, sub) + "/" + name
        guard FileManager.default.createFile(atPath: path, contents: nil, attributes: [.posixPermissions: 0o600]) else {
            throw AppError.conflict("无法创建临时文件")
        }
        return path
    }

    /// Writes bytes to a new 0600 file.
    static func write(_ data: Data, _ app: Application, _ sub: String, name: String) throws -> String {
        let path = try directory(app, sub) + "/" + name
        guard FileManager.default.createFile(atPath: path, contents: data, attributes: [.posixPermissions: 0o600])
        else {
            throw AppError.conflict("无法保存上传的文件")
        }
        return path
    }

    /// Runs `body` with a new private file; the file is removed if `body` throws (on success the download removes it).
    static func with<T>(_ app: Application, _ sub: String, name: String, _ body: (String) async throws -> T)
        async throws -> T
    {
        let path = try make(app, sub, name: name)
        do { return try await body(path) } catch {
            try? FileManager.default.removeItem(atPath: path)
            throw error
        }
    }

    /// Removes files older than `age` seconds (uploads never applied, files left by a restart). Ages are measured on
    /// the system clock, which stamps the files: on the app's clock moved ahead by `LIUDONG_TODAY` every file would
    /// look a day old and an upload would remove the one checked a moment before.
    static func sweep(
        _ app: Application, _ sub: String, olderThan age: TimeInterval = 86_400, now: Date = AppClock.system
    ) {
        guard let dir = try? directory(app, sub) else { return }
        for name in (try? FileManager.default.contentsOfDirectory(atPath: dir)) ?? [] {
            let file = dir + "/" + name
            if let modified = (try? FileManager.default.attributesOfItem(atPath: file))?[.modificationDate] as? Date,
                now.timeIntervalSince(modified) > age
            {
                try? FileManager.default.removeItem(atPath: file)
            }
        }
    }
}

/// A command's scope: the regular organization of `code`, or the whole tree (the root) without one. `what` names
/// the option in the Chinese error an operator reads.
func commandScope(_ code: String?, what: String, on db: Database, console: Console) async throws -> Organization {
    if let code {
        guard let org = try await Organization.query(on: db).filter(\.$code == code).first(), org.kind == .regular
        else {
            console.error("\(what)：找不到本系统的党组织“\(code)”")
            throw CommandFailed()
        }
        return org
    }
    guard let root = try await OrganizationService.root(on: db) else {
        console.error("还没有组织架构")
        throw CommandFailed()
    }
    return root
}

/// Reads a command's `--quarter` (default: the current quarter), failing with the Chinese message operators see.
func commandQuarter(_ raw: String?, console: Console) throws -> Quarter {
    guard let raw else { return AppClock.quarter }
    guard let q = Quarter(raw) else {
        console.error("--quarter 格式应为 2026Q2")
        throw CommandFailed()
    }
    return q
}

extension Request {
    /// A quarter from the query string: nil when absent or empty, a 400 with a Chinese message when it is not a
    /// quarter between 1900Q1 and 9999Q4 (no caller then has to think about `previous`/`next` at the edges).
    func quarterQuery(_ name: String = "quarter") throws -> Quarter? {
        guard let raw = try? query.get(String.self, at: name), !raw.trimmingCharacters(in: .whitespaces).isEmpty else {
            return nil
        }
        guard let q = Quarter(raw) else {
            throw AppError.badRequest("季度“\(raw.prefix(20))”不正确，应写成如 2026Q2（1900–9999年）")
        }
        return q
    }
}

extension PrivateFiles {
    /// A stored private file, checked against its SHA-256 before it is sent.
    static func serve(
        _ req: Request, _ sub: String, name: String, sha256: String, kind: ScanKind, filename: String = "file"
    ) throws -> Response {
        let path = try directory(req.application, sub) + "/" + name
        guard let data = FileManager.default.contents(atPath: path), SHA256.hash(data: data).hex == sha256 else {
            throw AppError.conflict("文件缺失或与登记的 SHA-256 不一致，请重新上传")
        }
        let res = Response(status: .ok, body: .init(data: data))
        let parts = kind.mimeType.split(separator: "/").map(String.init)
        res.headers.contentType = HTTPMediaType(
            type: parts.first ?? "application", subType: parts.last ?? "octet-stream")
        res.headers.replaceOrAdd(
            name: HTTPHeaders.Name.contentDisposition, value: "inline; filename=\"\(filename).\(kind.fileExtension)\"")
        res.headers.replaceOrAdd(name: HTTPHeaders.Name.cacheControl, value: "private, no-store")
        res.headers.replaceOrAdd(name: "X-Content-Type-Options", value: "nosniff")
        return res
    }
}
