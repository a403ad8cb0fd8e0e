/// The `/openapi.json` document: every JSON endpoint, kept beside the code it describes.
enum OpenAPIDocument {
    static let json = #"""
    {
      "openapi": "3.0.3",
      "info": {"title": "Liudong 流动党员之家 API", "version": "1.0.0",
               "description": "JSON API of the Liudong mobile party member platform. Authenticate with POST /api/v1/session and send the token as `Authorization: Bearer TOKEN`. Every list and lookup is limited to the account's scope; out of scope is 404. Errors: {\"error\":{\"code\",\"message\",\"fields\":[{\"field\",\"message\"}]}} with a 4xx status."},
      "servers": [{"url": "/"}],
      "components": {
        "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}},
        "schemas": {
          "Error": {"type": "object", "required": ["error"], "properties": {"error": {"type": "object", "required": ["code", "message", "fields"], "properties": {
            "code": {"type": "string"}, "message": {"type": "string"},
            "fields": {"type": "array", "items": {"type": "object", "properties": {"field": {"type": "string"}, "message": {"type": "string"}}}}}}}},
          "Counts": {"type": "object", "properties": {"members": {"type": "integer"}, "mobileMembers": {"type": "integer"}}},
          "OrgSummary": {"type": "object", "properties": {"code": {"type": "string"}, "name": {"type": "string"}, "shortName": {"type": "string"},
            "kind": {"type": "string", "enum": ["regular", "mobile", "external"]}, "level": {"type": "string", "nullable": true, "enum": ["city", "county", "committee", "generalBranch", "branch"]},
            "basis": {"type": "string", "nullable": true, "enum": ["chamber", "office", "temporary", "joint"]}, "divisionCode": {"type": "string"},
            "closed": {"type": "boolean"}, "members": {"type": "integer"}, "mobileMembers": {"type": "integer"}}},
          "Org": {"type": "object", "properties": {"code": {"type": "string"}, "name": {"type": "string"}, "shortName": {"type": "string"},
            "kind": {"type": "string"}, "level": {"type": "string", "nullable": true}, "basis": {"type": "string", "nullable": true},
            "divisionCode": {"type": "string"}, "divisionName": {"type": "string"}, "secretary": {"type": "string"}, "phone": {"type": "string"},
            "contactPerson": {"type": "string", "nullable": true}, "parentCode": {"type": "string", "nullable": true}, "closed": {"type": "boolean"},
            "counts": {"$ref": "#/components/schemas/Counts"}, "children": {"type": "array", "items": {"$ref": "#/components/schemas/OrgSummary"}}}},
          "MemberRow": {"type": "object", "properties": {"id": {"type": "string", "format": "uuid"}, "name": {"type": "string"}, "sex": {"type": "string"},
            "ethnicity": {"type": "string"}, "birthDate": {"type": "string", "format": "date"}, "idMasked": {"type": "string", "example": "150422********123X"},
            "phoneMasked": {"type": "string", "nullable": true, "example": "138****5678"}, "category": {"type": "string"}, "education": {"type": "string"},
            "orgCode": {"type": "string"}, "orgName": {"type": "string"}, "flowStatus": {"type": "string", "nullable": true}}},
          "Member": {"type": "object", "properties": {"id": {"type": "string", "format": "uuid"}, "name": {"type": "string"}, "sex": {"type": "string"},
            "ethnicity": {"type": "string"}, "birthDate": {"type": "string"}, "idMasked": {"type": "string"}, "phoneMasked": {"type": "string", "nullable": true},
            "education": {"type": "string"}, "category": {"type": "string"}, "joinedOn": {"type": "string"}, "fullOn": {"type": "string", "nullable": true},
            "orgCode": {"type": "string"}, "orgName": {"type": "string"}, "household": {"type": "string", "nullable": true},
            "residence": {"type": "string", "nullable": true}, "employer": {"type": "string", "nullable": true}, "isMigrantWorker": {"type": "boolean"},
            "flowStatus": {"type": "string", "nullable": true}}},
          "MemberInput": {"type": "object", "required": ["name", "sex", "ethnicity", "idNumber", "education", "category", "joinedOn", "orgCode"],
            "properties": {"name": {"type": "string"}, "sex": {"type": "string", "description": "male | female | 男 | 女"}, "ethnicity": {"type": "string", "example": "汉族"},
            "birthDate": {"type": "string", "description": "YYYY-MM-DD; must agree with the ID number"}, "idNumber": {"type": "string", "description": "GB 11643, 18 characters"},
            "education": {"type": "string", "enum": ["postgraduate", "undergraduate", "college", "highSchool", "technical", "middleSchool", "primary"]},
            "category": {"type": "string", "enum": ["full", "probationary"]}, "joinedOn": {"type": "string"}, "fullOn": {"type": "string"},
            "orgCode": {"type": "string", "description": "code of a branch in scope"}, "phone": {"type": "string"}, "household": {"type": "string"},
            "residence": {"type": "string"}, "employer": {"type": "string"}, "isMigrantWorker": {"type": "string", "description": "1 / true / 是"}}}
        }
      },
      "paths": {
        "/healthz": {"get": {"summary": "Health check", "responses": {"200": {"description": "ok", "content": {"application/json": {"schema": {"type": "object",
          "properties": {"status": {"type": "string", "example": "ok"}, "database": {"type": "string", "enum": ["sqlite", "postgres"]}}}}}}}}},
        "/api/v1/session": {"post": {"summary": "Sign in; returns a bearer token (same lockout as the page)",
          "requestBody": {"required": true, "content": {"application/json": {"schema": {"type": "object", "required": ["username", "password"],
            "properties": {"username": {"type": "string"}, "password": {"type": "string"}}}}}},
          "responses": {"200": {"description": "token", "content": {"application/json": {"schema": {"type": "object",
            "properties": {"token": {"type": "string"}, "expiresAt": {"type": "string", "format": "date-time"}}}}}},
            "422": {"description": "wrong username or password", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}},
            "429": {"description": "account locked", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}}}}},
        "/api/v1/me": {"get": {"summary": "The signed-in account", "security": [{"bearer": []}], "responses": {"200": {"description": "account"}}}},
        "/api/v1/orgs/{code}": {"get": {"summary": "An organization with its children and member counts", "security": [{"bearer": []}],
          "parameters": [{"name": "code", "in": "path", "required": true, "schema": {"type": "string"}}],
          "responses": {"200": {"description": "organization", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Org"}}}},
            "404": {"description": "not found or out of scope", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}}}}},
        "/api/v1/members": {
          "get": {"summary": "Members in the subtree of org (default: the account's scope), searched by name or the last digits of ID number or phone",
            "security": [{"bearer": []}],
            "parameters": [{"name": "org", "in": "query", "schema": {"type": "string"}}, {"name": "q", "in": "query", "schema": {"type": "string"}},
              {"name": "page", "in": "query", "schema": {"type": "integer", "minimum": 1}}],
            "responses": {"200": {"description": "a page of members", "content": {"application/json": {"schema": {"type": "object",
              "properties": {"items": {"type": "array", "items": {"$ref": "#/components/schemas/MemberRow"}}, "total": {"type": "integer"},
              "page": {"type": "integer"}, "pageSize": {"type": "integer"}}}}}},
              "404": {"description": "org out of scope", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}}}},
          "post": {"summary": "Register a member", "security": [{"bearer": []}],
            "requestBody": {"required": true, "content": {"application/json": {"schema": {"$ref": "#/components/schemas/MemberInput"}}}},
            "responses": {"201": {"description": "created", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Member"}}}},
              "422": {"description": "invalid fields, one entry per field", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}}}}},
        "/api/v1/members/{id}": {"get": {"summary": "One member (ID number and phone masked)", "security": [{"bearer": []}],
          "parameters": [{"name": "id", "in": "path", "required": true, "schema": {"type": "string", "format": "uuid"}}],
          "responses": {"200": {"description": "member", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Member"}}}},
            "404": {"description": "not found or out of scope", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}}}}},
        "/api/v1/divisions": {"get": {"summary": "Administrative divisions: provinces, or the children of parent",
          "parameters": [{"name": "parent", "in": "query", "schema": {"type": "string", "example": "150000"}}],
          "responses": {"200": {"description": "divisions", "content": {"application/json": {"schema": {"type": "array", "items": {"type": "object",
            "properties": {"code": {"type": "string"}, "name": {"type": "string"}, "level": {"type": "string", "enum": ["province", "city", "county"]}}}}}}}}}}
      }
    }
    """#
}
