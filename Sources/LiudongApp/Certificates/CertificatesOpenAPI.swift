/// The certificates feature's part of `/openapi.json`.
enum CertificatesOpenAPI {
    static let part = #"""
        {
          "paths": {
            "/api/v1/members/{id}/certificate": {
              "post": {
                "summary": "(Re)issue the activity certificate of the member's open flow; a re-issue keeps the number and validity and voids the old QR code",
                "parameters": [{"name": "id", "in": "path", "required": true, "schema": {"type": "string", "format": "uuid"}}],
                "responses": {"201": {"description": "issued", "content": {"application/json": {"schema": {"type": "object", "properties": {"number": {"type": "string", "example": "150422-2026-00001"}, "validTo": {"type": "string", "format": "date"}, "url": {"type": "string", "description": "the /c/{token} verification page"}}}}}}, "409": {"description": "no open flow"}}
              }
            },
            "/api/v1/certificates/{number}": {
              "get": {
                "summary": "A certificate in scope: status (valid, expired, revoked), validity, annual checks and check-ins",
                "parameters": [{"name": "number", "in": "path", "required": true, "schema": {"type": "string"}}],
                "responses": {"200": {"description": "the certificate", "content": {"application/json": {"schema": {"type": "object", "properties": {"number": {"type": "string"}, "status": {"type": "string", "enum": ["valid", "expired", "revoked"]}, "issuedOn": {"type": "string", "format": "date"}, "validTo": {"type": "string", "format": "date"}, "checks": {"type": "array", "items": {"type": "object", "properties": {"year": {"type": "integer"}, "appraisal": {"type": "string", "enum": ["excellent", "qualified", "basicallyQualified", "unqualified"]}, "checkedOn": {"type": "string", "format": "date"}, "validTo": {"type": "string", "format": "date"}}}}, "checkIns": {"type": "array", "items": {"type": "object", "properties": {"orgCode": {"type": "string"}, "on": {"type": "string", "format": "date"}}}}}}}}}, "404": {"description": "unknown or out of scope"}}
              }
            },
            "/api/v1/certificates/{number}/checks": {
              "post": {
                "summary": "Annual check (年审) with the year's democratic appraisal; extends validity by a year",
                "parameters": [{"name": "number", "in": "path", "required": true, "schema": {"type": "string"}}],
                "requestBody": {"required": true, "content": {"application/json": {"schema": {"type": "object", "properties": {"year": {"type": "integer"}, "appraisal": {"type": "string", "enum": ["excellent", "qualified", "basicallyQualified", "unqualified"]}}, "required": ["year", "appraisal"]}}}},
                "responses": {"201": {"description": "checked"}, "409": {"description": "already checked that year, or revoked"}, "422": {"description": "invalid fields"}}
              }
            }
          }
        }
        """#
}
