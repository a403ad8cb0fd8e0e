/// The accounts feature's part of `/openapi.json`.
enum AccountsOpenAPI {
    static let part = #"""
        {
          "paths": {
            "/api/v1/session": {
              "post": {
                "summary": "Sign in; returns a bearer token (same lockout as the page)",
                "requestBody": {"required": true, "content": {"application/json": {"schema": {"type": "object", "required": ["username", "password"], "properties": {"username": {"type": "string"}, "password": {"type": "string"}}}}}},
                "responses": {"200": {"description": "token", "content": {"application/json": {"schema": {"type": "object", "properties": {"token": {"type": "string"}, "expiresAt": {"type": "string", "format": "date-time"}}}}}}, "422": {"description": "wrong username or password", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}}, "429": {"description": "too many sign-in attempts from this client or for this username (Retry-After); a locked account answers like a wrong password", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}}}
              }
            }
          }
        }
        """#
}
