import Foundation

/// The `/openapi.json` document: this header plus each feature's part (`Feature.openAPI`), merged in feature order.
enum OpenAPIDocument {
    static let header = #"""
        {
          "openapi": "3.0.3",
          "info": {
            "title": "Liudong 流动党员之家 API",
            "version": "1.0.0",
            "description": "JSON API of the Liudong mobile party member platform. Authenticate with POST /api/v1/session and send the token as `Authorization: Bearer TOKEN`. Every list and lookup is limited to the account's scope; out of scope is 404. Errors: {\"error\":{\"code\",\"message\",\"fields\":[{\"field\",\"message\"}]}} with a 4xx status."
          },
          "servers": [
            {
              "url": "/"
            }
          ],
          "components": {
            "securitySchemes": {
              "bearer": {
                "type": "http",
                "scheme": "bearer"
              }
            }
          }
        }
        """#

    /// The whole document as JSON text; built once.
    static let json: String = build(parts: Features.all.compactMap(\.openAPI))

    /// Merges the parts' `paths` and `schemas` into the header. A part that does not parse is a programming error
    /// the tests catch (`OpenAPIDocument.problems`); it is left out rather than served broken.
    static func build(parts: [String]) -> String {
        guard var document = object(header) else { return header }
        var paths: [String: Any] = [:]
        var components = document["components"] as? [String: Any] ?? [:]
        var schemas = components["schemas"] as? [String: Any] ?? [:]
        for part in parts {
            guard let object = object(part) else { continue }
            for (key, value) in object["paths"] as? [String: Any] ?? [:] { paths[key] = value }
            for (key, value) in object["schemas"] as? [String: Any] ?? [:] { schemas[key] = value }
        }
        components["schemas"] = schemas
        document["components"] = components
        document["paths"] = paths
        let options: JSONSerialization.WritingOptions = [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes]
        guard let data = try? JSONSerialization.data(withJSONObject: document, options: options) else { return header }
        return String(decoding: data, as: UTF8.self)
    }

    /// Features whose part is not a JSON object (each part must parse).
    static var problems: [String] {
        Features.all.compactMap { feature in feature.openAPI.flatMap { object($0) == nil ? feature.name : nil } }
    }

    private static func object(_ text: String) -> [String: Any]? {
        (try? JSONSerialization.jsonObject(with: Data(text.utf8))) as? [String: Any]
    }
}
