/// The selfreport feature's part of `/openapi.json`.
enum SelfReportOpenAPI {
    static let part = #"""
        {
          "paths": {
            "/api/v1/self-reports": {
              "post": {
                "summary": "A member's self-report (public; rate limited per client and per ID number)",
                "description": "kind outflow: orgCode is the home branch; arrival: orgCode is the inflow or mobile organization reported to; change and return: the home branch. Someone not on the roster is kept as an inflow registration awaiting review. The same report sent again within about ten minutes is stored once and answered 200 with the first receipt.",
                "requestBody": {"required": true, "content": {"application/json": {"schema": {"$ref": "#/components/schemas/SelfReportInput"}}}},
                "responses": {"201": {"description": "stored", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/SelfReportCreated"}}}}, "200": {"description": "the same report was already stored: its receipt", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/SelfReportCreated"}}}}, "422": {"description": "invalid fields, one entry per field", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}}, "429": {"description": "too many reports; see Retry-After", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}}}
              }
            },
            "/api/v1/self-reports/{receipt}": {
              "get": {
                "summary": "Status of a self-report, for the member",
                "parameters": [{"name": "receipt", "in": "path", "required": true, "schema": {"type": "string"}}, {"name": "idTail", "in": "query", "required": true, "description": "last 6 characters of the ID number", "schema": {"type": "string", "minLength": 6, "maxLength": 6}}],
                "responses": {"200": {"description": "status", "content": {"application/json": {"schema": {"type": "object", "properties": {"receipt": {"type": "string"}, "kind": {"type": "string"}, "status": {"type": "string", "enum": ["pending", "confirmed", "returned"]}, "statusLabel": {"type": "string"}, "reason": {"type": "string", "nullable": true}, "submittedAt": {"type": "string", "format": "date-time"}, "reviewedAt": {"type": "string", "format": "date-time", "nullable": true}}}}}}, "404": {"description": "no such receipt for that ID number", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}}}
              }
            },
            "/orgs/{code}/qr.svg": {
              "get": {
                "summary": "QR code (SVG) pointing at {LIUDONG_BASE_URL}/r/{code}; public and cacheable",
                "parameters": [{"name": "code", "in": "path", "required": true, "schema": {"type": "string"}}],
                "responses": {"200": {"description": "SVG", "content": {"image/svg+xml": {}}}, "404": {"description": "no such organization"}}
              }
            }
          },
          "schemas": {
            "SelfReportInput": {
              "type": "object",
              "required": ["kind", "orgCode", "name", "idNumber"],
              "properties": {
                "kind": {"type": "string", "enum": ["outflow", "arrival", "change", "return"]},
                "orgCode": {"type": "string"},
                "name": {"type": "string"},
                "idNumber": {"type": "string"},
                "phone": {"type": "string", "description": "required for outflow and arrival"},
                "destinationCode": {"type": "string", "pattern": "^[0-9]{6}$", "description": "division code; required for outflow"},
                "address": {"type": "string"},
                "employer": {"type": "string"},
                "occupation": {"type": "string"},
                "reason": {"type": "integer", "minimum": 1, "maximum": 7, "description": "1 外出务工经商 2 单位改制破产 3 毕业去向不明 4 单位改变 5 出国(境) 6 居住地改变 7 其他; required for outflow"},
                "leftOn": {"type": "string", "format": "date", "description": "at most 30 days ahead; required for outflow"},
                "expectedReturnOn": {"type": "string", "format": "date", "description": "after leftOn"},
                "inflowOrgCode": {"type": "string", "description": "outflow: the inflow organization already joined"},
                "note": {"type": "string"}
              }
            },
            "SelfReportCreated": {
              "type": "object",
              "properties": {
                "receipt": {"type": "string", "minLength": 12},
                "status": {"type": "string", "example": "pending"}
              }
            }
          }
        }
        """#
}
