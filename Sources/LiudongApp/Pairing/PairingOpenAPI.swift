/// The pairing feature's part of `/openapi.json` (and the review queue's JSON API it drives flows with).
enum PairingOpenAPI {
    static let part = #"""
        {
          "paths": {
            "/api/v1/pairings": {
              "post": {
                "summary": "Pair a cadre with a mobile member (422 per field: no open flow, cadre over the cap, organization out of scope)",
                "requestBody": {"required": true, "content": {"application/json": {"schema": {"type": "object", "properties": {"memberId": {"type": "string", "format": "uuid"}, "side": {"type": "string", "enum": ["outflow", "inflow"]}, "cadre": {"type": "object", "properties": {"name": {"type": "string"}, "post": {"type": "string"}, "phone": {"type": "string"}, "orgCode": {"type": "string"}, "account": {"type": "string"}}, "required": ["name", "post", "phone", "orgCode"]}}, "required": ["memberId", "side", "cadre"]}}}},
                "responses": {"201": {"description": "created", "content": {"application/json": {"schema": {"type": "object", "properties": {"id": {"type": "string", "format": "uuid"}}}}}}, "422": {"description": "invalid fields", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}}}
              },
              "get": {
                "summary": "Open pairings of members of the organization's subtree (ended=1: the ended ones too)",
                "parameters": [{"name": "org", "in": "query", "schema": {"type": "string"}}, {"name": "ended", "in": "query", "schema": {"type": "string", "enum": ["1"]}}],
                "responses": {"200": {"description": "pairings (cadre phones masked)"}}
              }
            },
            "/api/v1/pairings/{id}": {
              "delete": {
                "summary": "End a pairing with a reason",
                "parameters": [{"name": "id", "in": "path", "required": true, "schema": {"type": "string", "format": "uuid"}}],
                "requestBody": {"required": true, "content": {"application/json": {"schema": {"type": "object", "properties": {"reason": {"type": "string"}}, "required": ["reason"]}}}},
                "responses": {"204": {"description": "ended"}, "409": {"description": "already ended"}, "422": {"description": "no reason"}}
              }
            },
            "/api/v1/contacts": {
              "post": {
                "summary": "Record a contact with a paired member (电话随访/视频约访/上门走访)",
                "requestBody": {"required": true, "content": {"application/json": {"schema": {"type": "object", "properties": {"pairingId": {"type": "string", "format": "uuid"}, "method": {"type": "string", "enum": ["phone", "video", "visit"]}, "date": {"type": "string", "format": "date"}, "summary": {"type": "string", "minLength": 10}, "needs": {"type": "string"}, "nextOn": {"type": "string", "format": "date"}}, "required": ["pairingId", "method", "date", "summary"]}}}},
                "responses": {"201": {"description": "recorded", "content": {"application/json": {"schema": {"type": "object", "properties": {"id": {"type": "string", "format": "uuid"}}}}}}, "422": {"description": "a date in the future or before the flow began, an unknown method, a summary under 10 characters", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}}}
              }
            },
            "/api/v1/contact-compliance": {
              "get": {
                "summary": "A quarter's contact compliance of an organization's subtree",
                "parameters": [{"name": "org", "in": "query", "schema": {"type": "string"}}, {"name": "quarter", "in": "query", "schema": {"type": "string", "example": "2026Q4"}}],
                "responses": {"200": {"description": "compliance", "content": {"application/json": {"schema": {"type": "object", "properties": {"quarter": {"type": "string"}, "org": {"type": "string"}, "mobileMembers": {"type": "integer"}, "contacted": {"type": "integer"}, "confirmed": {"type": "integer"}, "share": {"type": "number"}, "notContacted": {"type": "array", "items": {"type": "object", "properties": {"memberId": {"type": "string", "format": "uuid"}, "name": {"type": "string"}, "lastContactOn": {"type": "string", "format": "date", "nullable": true}}}}}}}}}}
              }
            },
            "/api/v1/contact-report": {
              "get": {
                "summary": "A committee's half-year contact report as JSON (the page adds format=xlsx)",
                "parameters": [{"name": "org", "in": "query", "schema": {"type": "string"}}, {"name": "half", "in": "query", "schema": {"type": "string", "example": "2026H2"}}],
                "responses": {"200": {"description": "the report"}}
              }
            },
            "/api/v1/my/contacts": {
              "get": {"summary": "The member's contacts this year (member token)", "responses": {"200": {"description": "contacts"}}}
            },
            "/api/v1/my/contacts/{id}/answer": {
              "post": {
                "summary": "The member confirms a contact or says it did not happen (once)",
                "parameters": [{"name": "id", "in": "path", "required": true, "schema": {"type": "string", "format": "uuid"}}],
                "requestBody": {"required": true, "content": {"application/json": {"schema": {"type": "object", "properties": {"answer": {"type": "string", "enum": ["confirmed", "denied"]}, "note": {"type": "string"}}, "required": ["answer"]}}}},
                "responses": {"200": {"description": "answered"}, "404": {"description": "not the member's contact"}, "409": {"description": "already answered"}}
              }
            },
            "/api/v1/reviews": {
              "get": {
                "summary": "The review queue: reports routed to organizations of the account's scope",
                "parameters": [{"name": "status", "in": "query", "schema": {"type": "string", "enum": ["pending", "confirmed", "returned"]}}],
                "responses": {"200": {"description": "items", "content": {"application/json": {"schema": {"type": "object", "properties": {"items": {"type": "array", "items": {"type": "object", "properties": {"id": {"type": "string", "format": "uuid"}, "kind": {"type": "string"}, "memberName": {"type": "string"}, "idMasked": {"type": "string"}, "orgCode": {"type": "string"}, "submittedAt": {"type": "string", "format": "date-time"}, "status": {"type": "string"}}}}}}}}}}
              }
            },
            "/api/v1/reviews/{id}/confirm": {
              "post": {"summary": "Confirm a report (same rules as the page)", "parameters": [{"name": "id", "in": "path", "required": true, "schema": {"type": "string", "format": "uuid"}}], "responses": {"200": {"description": "confirmed, or handedToHome"}, "409": {"description": "already decided"}}}
            },
            "/api/v1/reviews/{id}/return": {
              "post": {"summary": "Return a report with a reason", "parameters": [{"name": "id", "in": "path", "required": true, "schema": {"type": "string", "format": "uuid"}}], "requestBody": {"required": true, "content": {"application/json": {"schema": {"type": "object", "properties": {"reason": {"type": "string"}}, "required": ["reason"]}}}}, "responses": {"200": {"description": "returned"}, "422": {"description": "no reason"}}}
            }
          }
        }
        """#
}
