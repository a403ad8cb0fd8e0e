import Fluent
import Foundation
import LiudongCore
import Vapor

extension FileStore {
    /// A stored private file sent to the browser a chunk at a time (any node serves what any node stored), inline
    /// with its true type, never cached. A file that is missing or fails its check answers 409 before anything is
    /// sent; one that fails mid-way ends the response (the browser sees it cut short, never wrong bytes).
    func serve(
        _ req: Request, sha256: String, kind: ScanKind, filename: String = "file"
    ) async throws -> Response {
        let app = req.application
        guard let size = try await copy(sha256, on: app.db).map({ Int(clamping: $0.size) }) else {
            throw AppError.conflict("文件缺失或与登记的 SHA-256 不一致，请重新上传")
        }
        let store = self
        let logger = req.logger
        let res = Response(
            status: .ok,
            body: .init(
                managedAsyncStream: { writer in
                    do {
                        try await store.read(sha256, on: app.db) { try await writer.writeBuffer(ByteBuffer(data: $0)) }
                    } catch {
                        logger.error("stored file \(sha256.prefix(12)): \(error)")
                        throw error
                    }
                }, count: size))
        let parts = kind.mimeType.split(separator: "/").map(String.init)
        res.headers.contentType = HTTPMediaType(
            type: parts.first ?? "application", subType: parts.last ?? "octet-stream")
        res.headers.replaceOrAdd(
            name: .contentDisposition, value: "inline; filename=\"\(filename).\(kind.fileExtension)\"")
        res.headers.replaceOrAdd(name: .cacheControl, value: "private, no-store")
        res.headers.replaceOrAdd(name: "X-Content-Type-Options", value: "nosniff")
        return res
    }
}
