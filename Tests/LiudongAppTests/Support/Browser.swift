import Foundation
import Testing
import VaporTesting

@testable import LiudongApp

/// A signed-in (or not) client through the in-memory tester, keeping the session cookie and CSRF token like a browser.
struct Browser {
    let app: Application
    /// The session cookie (`liudong_session=…`).
    var cookie: String?
    /// The signed pre-sign-in CSRF cookie the sign-in pages set (`liudong_pre=…`).
    var preCookie: String?
    var csrf: String?

    /// Every cookie the browser holds, as a Cookie header.
    var cookieHeader: String? {
        let all = [cookie, preCookie].compactMap { $0 }
        return all.isEmpty ? nil : all.joined(separator: "; ")
    }

    init(_ app: Application) { self.app = app }

    @discardableResult
    mutating func get(_ path: String, headers: HTTPHeaders = [:]) async throws -> TestingHTTPResponse {
        var h = headers
        if let cookieHeader { h.replaceOrAdd(name: .cookie, value: cookieHeader) }
        let res = try await app.testing().sendRequest(.GET, path, headers: h)
        remember(res)
        if let token = Self.csrf(in: res.body.string) { csrf = token }
        return res
    }

    /// Posts a form; includes the CSRF token unless `withCSRF` is false.
    @discardableResult
    mutating func post(_ path: String, form: [String: String], withCSRF: Bool = true) async throws
        -> TestingHTTPResponse
    {
        var fields = form
        if withCSRF, let csrf { fields["_csrf"] = csrf }
        var h = HTTPHeaders()
        h.contentType = .urlEncodedForm
        if let cookieHeader { h.replaceOrAdd(name: .cookie, value: cookieHeader) }
        let body = fields.map { "\(Self.encode($0.key))=\(Self.encode($0.value))" }.joined(separator: "&")
        let res = try await app.testing().sendRequest(.POST, path, headers: h, body: ByteBuffer(string: body))
        remember(res)
        if let token = Self.csrf(in: res.body.string) { csrf = token }
        return res
    }

    /// Posts a multipart form with one file, as a browser's upload does.
    @discardableResult
    mutating func upload(_ path: String, form: [String: String], file: (field: String, name: String, data: Data))
        async throws -> TestingHTTPResponse
    {
        var fields = form
        if let csrf { fields["_csrf"] = csrf }
        let boundary = "----liudong\(UUID().uuidString)"
        var body = Data()
        for (k, v) in fields {
            body.append(Data("--\(boundary)\r\nContent-Disposition: form-data; name=\"\(k)\"\r\n\r\n\(v)\r\n".utf8))
        }
        body.append(
            Data(
                "--\(boundary)\r\nContent-Disposition: form-data; name=\"\(file.field)\"; filename=\"\(file.name)\"\r\nContent-Type: application/octet-stream\r\n\r\n"
                    .utf8))
        body.append(file.data)
        body.append(Data("\r\n--\(boundary)--\r\n".utf8))
        var h = HTTPHeaders()
        h.replaceOrAdd(name: .contentType, value: "multipart/form-data; boundary=\(boundary)")
        if let cookieHeader { h.replaceOrAdd(name: .cookie, value: cookieHeader) }
        let res = try await app.testing().sendRequest(.POST, path, headers: h, body: ByteBuffer(data: body))
        remember(res)
        return res
    }

    /// Opens the sign-in page and signs in; returns the response to the sign-in POST.
    @discardableResult
    mutating func signIn(_ username: String, _ password: String = DemoLoader.password) async throws
        -> TestingHTTPResponse
    {
        try await get("/login")
        return try await post("/login", form: ["username": username, "password": password])
    }

    private mutating func remember(_ res: TestingHTTPResponse) {
        for value in res.headers[.setCookie] {
            let pair = value.split(separator: ";").first.map(String.init) ?? ""
            if pair.hasPrefix("liudong_session=") {
                cookie = pair == "liudong_session=" ? nil : pair
            }
            if pair.hasPrefix("liudong_pre=") {
                preCookie = pair == "liudong_pre=" ? nil : pair
            }
        }
    }

    static func csrf(in html: String) -> String? {
        guard let r = html.range(of: "name=\"_csrf\" value=\"") else { return nil }
        let rest = html[r.upperBound...]
        return rest.firstIndex(of: "\"").map { String(rest[..<$0]) }
    }

    static func encode(_ s: String) -> String {
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "-._*")
        return s.addingPercentEncoding(withAllowedCharacters: allowed) ?? s
    }
}

/// JSON API calls with a bearer token.
struct APIClient {
    let app: Application
    var token: String?

    static func signIn(_ app: Application, _ username: String, _ password: String = DemoLoader.password) async throws
        -> APIClient
    {
        let res = try await app.testing().sendRequest(
            .POST, "/api/v1/session", headers: ["Content-Type": "application/json"],
            body: ByteBuffer(string: #"{"username":"\#(username)","password":"\#(password)"}"#))
        #expect(res.status == .ok, "sign-in of \(username) failed: \(res.body.string)")
        struct T: Decodable { var token: String }
        return APIClient(app: app, token: try res.content.decode(T.self).token)
    }

    func get(_ path: String) async throws -> TestingHTTPResponse {
        var h = HTTPHeaders()
        if let token { h.bearerAuthorization = .init(token: token) }
        return try await app.testing().sendRequest(.GET, path, headers: h)
    }

    func post(_ path: String, json: String) async throws -> TestingHTTPResponse {
        var h = HTTPHeaders()
        h.contentType = .json
        if let token { h.bearerAuthorization = .init(token: token) }
        return try await app.testing().sendRequest(.POST, path, headers: h, body: ByteBuffer(string: json))
    }
}

extension APIClient {
    func delete(_ path: String, json: String) async throws -> TestingHTTPResponse {
        var h = HTTPHeaders()
        h.contentType = .json
        if let token { h.bearerAuthorization = .init(token: token) }
        return try await app.testing().sendRequest(.DELETE, path, headers: h, body: ByteBuffer(string: json))
    }

    /// A member's token (`POST /api/v1/member-session`).
    static func member(_ app: Application, idNumber: String, password: String) async throws -> APIClient {
        let res = try await APIClient(app: app).post(
            "/api/v1/member-session", json: #"{"idNumber":"\#(idNumber)","password":"\#(password)"}"#)
        #expect(res.status == .ok, "member sign-in failed: \(res.body.string)")
        struct T: Decodable { var token: String }
        return APIClient(app: app, token: try res.content.decode(T.self).token)
    }
}

/// The error body of DESIGN §3, for assertions.
struct APIErrorBody: Decodable {
    struct Inner: Decodable {
        var code: String
        var message: String
        var fields: [FieldError]
    }
    var error: Inner
}
