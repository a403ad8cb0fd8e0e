/// The points feature's part of `/openapi.json`.
enum PointsOpenAPI {
    static let part = #"""
        {
          "paths": {
            "/api/v1/points": {
              "get": {
                "summary": "A member's points ledger for a year: every entry with its item, rule version and the fact it came from. Staff: members of their scope; a member (member token): only their own",
                "parameters": [{"name": "member", "in": "query", "schema": {"type": "string", "format": "uuid"}, "description": "the member's id (a member may leave it out)"}, {"name": "year", "in": "query", "schema": {"type": "integer", "example": 2026}}],
                "responses": {"200": {"description": "the ledger", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/PointsLedger"}}}}, "401": {"description": "not signed in"}, "404": {"description": "no such member in scope"}}
              }
            },
            "/api/v1/my/points": {
              "get": {
                "summary": "The signed-in member's own ledger (same shape as /api/v1/points)",
                "parameters": [{"name": "year", "in": "query", "schema": {"type": "integer"}}],
                "responses": {"200": {"description": "the ledger", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/PointsLedger"}}}}}
              }
            },
            "/api/v1/points/ranking": {
              "get": {
                "summary": "The ranking of a county, committee or branch of a pilot county: live during the year, the frozen snapshot once the county has published it. Staff always see the full list",
                "parameters": [{"name": "org", "in": "query", "schema": {"type": "string"}}, {"name": "year", "in": "query", "schema": {"type": "integer"}}, {"name": "limit", "in": "query", "schema": {"type": "integer", "default": 100, "maximum": 1000}}, {"name": "offset", "in": "query", "schema": {"type": "integer", "default": 0}}],
                "responses": {"200": {"description": "ranked members (competition ranks: equal totals share a rank)", "content": {"application/json": {"schema": {"type": "object", "properties": {"published": {"type": "boolean"}, "year": {"type": "integer"}, "org": {"type": "string"}, "count": {"type": "integer"}, "items": {"type": "array", "items": {"type": "object", "properties": {"memberId": {"type": "string", "format": "uuid"}, "name": {"type": "string"}, "total": {"type": "integer"}, "rank": {"type": "integer"}, "band": {"type": "string"}}}}}}}}}, "422": {"description": "the organization is not a county or below"}}
              }
            },
            "/api/v1/my/points/claims": {
              "post": {
                "summary": "Claim a deed for a claim item (the branch secretary approves or rejects with a reason). The same text or the same photo twice is refused",
                "requestBody": {"required": true, "content": {"application/json": {"schema": {"type": "object", "required": ["itemCode", "on", "description"], "properties": {"itemCode": {"type": "string", "example": "V02"}, "on": {"type": "string", "format": "date"}, "description": {"type": "string", "minLength": 10, "maxLength": 1000}, "photo": {"type": "string", "description": "base64 JPEG or PNG, at most 5 MB"}}}}}},
                "responses": {"201": {"description": "submitted", "content": {"application/json": {"schema": {"type": "object", "properties": {"id": {"type": "string"}, "status": {"type": "string", "example": "pending"}}}}}}, "409": {"description": "the same deed was claimed before, or the county is not in the pilot"}, "422": {"description": "invalid fields"}}
              }
            },
            "/api/v1/my/points/appeals": {
              "post": {
                "summary": "Appeal one entry of one's own ledger; the secretary upholds (the entry is revoked) or rejects, with the outcome on the entry",
                "requestBody": {"required": true, "content": {"application/json": {"schema": {"type": "object", "required": ["entryId", "reason"], "properties": {"entryId": {"type": "string", "format": "uuid"}, "reason": {"type": "string", "minLength": 5, "maxLength": 500}}}}}},
                "responses": {"201": {"description": "submitted", "content": {"application/json": {"schema": {"type": "object", "properties": {"id": {"type": "string"}, "status": {"type": "string"}}}}}}, "409": {"description": "already under appeal, revoked, or in a closed period"}, "422": {"description": "invalid fields"}}
              }
            }
          },
          "schemas": {
            "PointsLedger": {"type": "object", "properties": {"member": {"type": "string", "format": "uuid"}, "year": {"type": "integer"}, "total": {"type": "integer"}, "band": {"type": "string"}, "entries": {"type": "array", "items": {"type": "object", "properties": {"id": {"type": "string", "format": "uuid", "description": "stable across recomputation; use it to appeal"}, "on": {"type": "string", "format": "date"}, "item": {"type": "string"}, "itemCode": {"type": "string"}, "points": {"type": "integer", "description": "counted after caps (0 when capped away or revoked)"}, "capped": {"type": "boolean"}, "source": {"type": "object", "properties": {"kind": {"type": "string", "enum": ["courseCompleted", "quizPassed", "orgLifeHome", "orgLifeAway", "diaryExcellent", "contactConfirmed", "memberMeetingAbsent", "claim"]}, "id": {"type": "string"}}}, "status": {"type": "string", "enum": ["counted", "capped", "appealed", "revoked"]}, "ruleVersion": {"type": "integer"}, "reason": {"type": "string"}}}}}}
          }
        }
        """#
}
