/// The member portal's part of `/openapi.json`.
enum MemberPortalOpenAPI {
    static let part = #"""
        {
          "paths": {
            "/api/v1/member-activation": {
              "post": {
                "summary": "A member activates their phone account with the one-time activation code from the branch (public; throttled). A receipt is read and ignored. Every failure gets the same message.",
                "requestBody": {"required": true, "content": {"application/json": {"schema": {"type": "object", "properties": {"idNumber": {"type": "string"}, "code": {"type": "string"}, "receipt": {"type": "string"}, "password": {"type": "string", "minLength": 8}}, "required": ["idNumber", "password"]}}}},
                "responses": {"201": {"description": "activated"}, "422": {"description": "weak password, or the same message for an unknown ID, a wrong or used code and a foreign receipt", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}}, "429": {"description": "too many attempts"}}
              }
            },
            "/api/v1/member-session": {
              "post": {
                "summary": "A member signs in with ID number and password: a bearer token for /api/v1/my (throttled; repeated wrong passwords pause sign-in to that account from that client address for LIUDONG_LOCKOUT_MINUTES, with the same message; the branch can lift it)",
                "requestBody": {"required": true, "content": {"application/json": {"schema": {"type": "object", "properties": {"idNumber": {"type": "string"}, "password": {"type": "string"}}, "required": ["idNumber", "password"]}}}},
                "responses": {"200": {"description": "token", "content": {"application/json": {"schema": {"type": "object", "properties": {"token": {"type": "string"}, "expiresAt": {"type": "string", "format": "date-time"}}}}}}, "401": {"description": "the same message for every failure", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}}}
              }
            },
            "/api/v1/my": {
              "get": {
                "summary": "The signed-in member's own page as JSON (member token only; staff tokens get 403)",
                "responses": {"200": {"description": "the member", "content": {"application/json": {"schema": {"type": "object", "properties": {"name": {"type": "string"}, "idMasked": {"type": "string"}, "branch": {"type": "object", "properties": {"code": {"type": "string"}, "name": {"type": "string"}, "secretaryPhone": {"type": "string"}}}, "flow": {"type": "object", "nullable": true, "properties": {"status": {"type": "string"}, "destination": {"type": "string"}, "inflowOrg": {"type": "string", "nullable": true}, "since": {"type": "string", "format": "date"}}}, "contacts": {"type": "array", "items": {"type": "object", "properties": {"name": {"type": "string"}, "post": {"type": "string"}, "phone": {"type": "string"}, "side": {"type": "string", "enum": ["outflow", "inflow"]}}}}}}}}}, "403": {"description": "a staff token"}}
              }
            },
            "/api/v1/members/{id}/activation-code": {
              "post": {
                "summary": "A one-time activation code for a member of the account's scope (valid 14 days; replaces an unused earlier one; audited)",
                "parameters": [{"name": "id", "in": "path", "required": true, "schema": {"type": "string", "format": "uuid"}}],
                "responses": {"201": {"description": "the code, shown once", "content": {"application/json": {"schema": {"type": "object", "properties": {"code": {"type": "string"}, "expiresAt": {"type": "string", "format": "date-time"}}}}}}, "404": {"description": "no such member in scope"}}
              }
            },
            "/api/v1/members/{id}/sign-in-unlock": {
              "post": {
                "summary": "The member's branch lifts the pauses repeated wrong passwords put on the member's phone sign-in (every client address; audited)",
                "parameters": [{"name": "id", "in": "path", "required": true, "schema": {"type": "string", "format": "uuid"}}],
                "responses": {"200": {"description": "how many client addresses had been paused", "content": {"application/json": {"schema": {"type": "object", "properties": {"unlocked": {"type": "integer"}}}}}}, "404": {"description": "no such member in scope"}}
              }
            }
          }
        }
        """#
}
