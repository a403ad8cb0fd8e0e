/// The system feature's part of `/openapi.json`.
enum SystemOpenAPI {
    static let part = #"""
        {
          "paths": {
            "/healthz": {
              "get": {
                "summary": "Health check",
                "responses": {"200": {"description": "ok", "content": {"application/json": {"schema": {"type": "object", "properties": {"status": {"type": "string", "example": "ok"}, "database": {"type": "string", "enum": ["sqlite", "postgres"]}}}}}}}
              }
            },
            "/api/v1/divisions": {
              "get": {
                "summary": "Administrative divisions: provinces, or the children of parent",
                "parameters": [{"name": "parent", "in": "query", "schema": {"type": "string", "example": "150000"}}],
                "responses": {"200": {"description": "divisions", "content": {"application/json": {"schema": {"type": "array", "items": {"type": "object", "properties": {"code": {"type": "string"}, "name": {"type": "string"}, "level": {"type": "string", "enum": ["province", "city", "county"]}}}}}}}}
              }
            }
          },
          "schemas": {
            "Error": {
              "type": "object",
              "required": ["error"],
              "properties": {
                "error": {"type": "object", "required": ["code", "message", "fields"], "properties": {"code": {"type": "string"}, "message": {"type": "string"}, "fields": {"type": "array", "items": {"type": "object", "properties": {"field": {"type": "string"}, "message": {"type": "string"}}}}}}
              }
            }
          }
        }
        """#
}
