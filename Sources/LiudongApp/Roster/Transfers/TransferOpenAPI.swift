/// The transfers feature's part of `/openapi.json`.
enum TransferOpenAPI {
    static let part = #"""
        {
          "paths": {
            "/api/v1/transfers": {
              "post": {
                "summary": "Apply for a transfer of a member's organization relationship: out of our tree (toOrgName, toDivision), between two of our branches (toOrgCode) or into it (the member registered at the receiving branch; toOrgName/toDivision name the sending side, and the letter counts as issued)",
                "requestBody": {"required": true, "content": {"application/json": {"schema": {"type": "object", "required": ["memberId", "direction", "reason"], "properties": {"memberId": {"type": "string", "format": "uuid"}, "direction": {"type": "string", "enum": ["out", "in", "internal"]}, "toOrgCode": {"type": "string"}, "toOrgName": {"type": "string"}, "toDivision": {"type": "string", "example": "110105"}, "reason": {"type": "string"}, "channel": {"type": "string", "enum": ["online", "paper"]}}}}}},
                "responses": {"201": {"description": "applied", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/TransferState"}}}}, "404": {"description": "no such member in scope"}, "409": {"description": "a transfer already in progress, or the member is off the roster"}, "422": {"description": "invalid fields"}}
              },
              "get": {
                "summary": "Transfers with either side under the organization, overdue first",
                "parameters": [{"name": "org", "in": "query", "schema": {"type": "string"}}, {"name": "state", "in": "query", "schema": {"type": "string", "enum": ["applied", "approved", "issued", "reported", "receiptBack", "archived", "cancelled"]}}, {"name": "overdue", "in": "query", "schema": {"type": "boolean"}}],
                "responses": {"200": {"description": "the transfers", "content": {"application/json": {"schema": {"type": "object", "properties": {"items": {"type": "array", "items": {"type": "object", "properties": {"id": {"type": "string", "format": "uuid"}, "memberId": {"type": "string", "format": "uuid"}, "name": {"type": "string"}, "state": {"type": "string"}, "validUntil": {"type": "string", "nullable": true}, "overdue": {"type": "boolean"}}}}}}}}}}
              }
            },
            "/api/v1/transfers/{id}/{step}": {
              "post": {
                "summary": "Take a step: approve (the sending branch), issue (a committee or above: letterNo, validDays ≤ 90, duesPaidTo, reference), report (the receiving side; for a receiver outside our tree the sending side records it), receipt, archive (a transfer out: the member leaves the roster as 转出), cancel (reason; before 已报到), reissue (an overdue letter: branchCertificate, application)",
                "parameters": [{"name": "id", "in": "path", "required": true, "schema": {"type": "string", "format": "uuid"}}, {"name": "step", "in": "path", "required": true, "schema": {"type": "string", "enum": ["approve", "issue", "report", "receipt", "archive", "cancel", "reissue"]}}],
                "requestBody": {"content": {"application/json": {"schema": {"type": "object", "properties": {"reason": {"type": "string"}, "letterNo": {"type": "string"}, "validDays": {"type": "integer"}, "duesPaidTo": {"type": "string", "example": "2026-11"}, "reference": {"type": "string"}, "note": {"type": "string"}, "branchCertificate": {"type": "string"}, "application": {"type": "string"}}}}}},
                "responses": {"200": {"description": "the new state", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/TransferState"}}}}, "404": {"description": "no such transfer in scope"}, "409": {"description": "out of order, or not this side's step"}, "422": {"description": "invalid fields"}}
              }
            }
          },
          "components": {"schemas": {"TransferState": {"type": "object", "properties": {"id": {"type": "string", "format": "uuid"}, "state": {"type": "string"}, "validUntil": {"type": "string", "nullable": true, "description": "null until the letter is issued"}}}}}
        }
        """#
}
