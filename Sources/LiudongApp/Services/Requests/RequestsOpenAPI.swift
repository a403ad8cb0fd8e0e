/// The requests feature's part of `/openapi.json`.
enum RequestsOpenAPI {
    static let part = #"""
        {
          "paths": {
            "/api/v1/my/requests": {
              "post": {
                "summary": "The signed-in member raises a request (诉求). Routed to the inflow organization for matters of where the member lives (when it has an account), to a legal service station for legal aid, wage arrears and labour disputes (when one serves the place), else to the home branch. Deadlines in working days of the city's calendar",
                "requestBody": {"content": {"application/json": {"schema": {"type": "object", "required": ["kind", "title", "details"], "properties": {"kind": {"$ref": "#/components/schemas/RequestKind"}, "title": {"type": "string", "maxLength": 60}, "details": {"type": "string", "minLength": 5, "maxLength": 2000}, "divisionCode": {"type": "string", "description": "where the matter is: a 6-digit division code"}}}}}},
                "responses": {"201": {"description": "raised", "content": {"application/json": {"schema": {"type": "object", "properties": {"id": {"type": "string", "format": "uuid"}, "acknowledgeBy": {"type": "string", "format": "date"}, "answerBy": {"type": "string", "format": "date"}, "routedTo": {"$ref": "#/components/schemas/RoutedTo"}}}}}}, "422": {"description": "fields with their messages"}}
              },
              "get": {
                "summary": "The signed-in member's own requests",
                "responses": {"200": {"description": "the list", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/RequestList"}}}}}
              }
            },
            "/api/v1/my/requests/{id}/rate": {
              "post": {
                "summary": "Rates an answered request once (1–5 stars); it is then closed (已办结)",
                "parameters": [{"name": "id", "in": "path", "required": true, "schema": {"type": "string", "format": "uuid"}}],
                "requestBody": {"content": {"application/json": {"schema": {"type": "object", "required": ["stars"], "properties": {"stars": {"type": "integer", "minimum": 1, "maximum": 5}, "comment": {"type": "string", "maxLength": 500}}}}}},
                "responses": {"204": {"description": "rated and closed"}, "409": {"description": "not answered yet, or already rated"}, "404": {"description": "not the member's request"}}
              }
            },
            "/api/v1/my/requests/{id}/reopen": {
              "post": {
                "summary": "Reopens a closed request once, within the settings' days (7) after it closed; a new answer deadline",
                "parameters": [{"name": "id", "in": "path", "required": true, "schema": {"type": "string", "format": "uuid"}}],
                "requestBody": {"content": {"application/json": {"schema": {"type": "object", "required": ["reason"], "properties": {"reason": {"type": "string"}}}}}},
                "responses": {"204": {"description": "reopened"}, "409": {"description": "not closed, already reopened once, or too late"}}
              }
            },
            "/api/v1/requests": {
              "get": {
                "summary": "Requests routed (or escalated) to the account's organizations: its subtree; an inflow organization only its own",
                "parameters": [{"name": "status", "in": "query", "schema": {"$ref": "#/components/schemas/RequestStatus"}}],
                "responses": {"200": {"description": "the list", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/RequestList"}}}}, "422": {"description": "unknown status"}}
              }
            },
            "/api/v1/requests/{id}/accept": {
              "post": {
                "summary": "Acknowledges (受理) a request, naming its handler (default: the account's name)",
                "parameters": [{"name": "id", "in": "path", "required": true, "schema": {"type": "string", "format": "uuid"}}],
                "requestBody": {"content": {"application/json": {"schema": {"type": "object", "properties": {"handler": {"type": "string"}}}}}},
                "responses": {"200": {"description": "accepted", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/RequestUpdated"}}}}, "409": {"description": "already accepted"}, "404": {"description": "not routed to the account's organizations"}}
              }
            },
            "/api/v1/requests/{id}/reply": {
              "post": {
                "summary": "Answers (答复) a request; the member then rates it",
                "parameters": [{"name": "id", "in": "path", "required": true, "schema": {"type": "string", "format": "uuid"}}],
                "requestBody": {"content": {"application/json": {"schema": {"type": "object", "required": ["reply"], "properties": {"reply": {"type": "string", "minLength": 5, "maxLength": 2000}}}}}},
                "responses": {"200": {"description": "answered", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/RequestUpdated"}}}}, "409": {"description": "already answered"}}
              }
            },
            "/api/v1/requests/{id}/transfer": {
              "post": {
                "summary": "Transfers (转办) a request to the other side — home branch ↔ inflow organization (a station's to the home branch) — with a reason; the deadlines stay",
                "parameters": [{"name": "id", "in": "path", "required": true, "schema": {"type": "string", "format": "uuid"}}],
                "requestBody": {"content": {"application/json": {"schema": {"type": "object", "required": ["reason"], "properties": {"reason": {"type": "string"}}}}}},
                "responses": {"200": {"description": "transferred", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/RequestUpdated"}}}}, "422": {"description": "no other side with an account"}}
              }
            },
            "/api/v1/requests/stats": {
              "get": {
                "summary": "Requests routed to an organization's subtree and submitted in a period: received, answered, answered on time, the on-time rate (of those answered or past their deadline), mean stars",
                "parameters": [{"name": "org", "in": "query", "schema": {"type": "string"}}, {"name": "from", "in": "query", "schema": {"type": "string", "format": "date"}}, {"name": "to", "in": "query", "schema": {"type": "string", "format": "date"}}],
                "responses": {"200": {"description": "the figures", "content": {"application/json": {"schema": {"type": "object", "properties": {"received": {"type": "integer"}, "answered": {"type": "integer"}, "onTime": {"type": "integer"}, "onTimeRate": {"type": "number"}, "satisfaction": {"type": "number", "nullable": true}}}}}}}
              }
            }
          },
          "schemas": {
            "RequestKind": {"type": "string", "enum": ["employment", "legal", "wageArrears", "labourDispute", "hardship", "schooling", "medical", "certificate", "other"]},
            "RequestStatus": {"type": "string", "enum": ["submitted", "accepted", "inProgress", "answered", "closed"]},
            "RoutedTo": {"type": "object", "properties": {"orgCode": {"type": "string"}, "name": {"type": "string"}}},
            "RequestUpdated": {"type": "object", "properties": {"id": {"type": "string", "format": "uuid"}, "status": {"$ref": "#/components/schemas/RequestStatus"}, "routedTo": {"$ref": "#/components/schemas/RoutedTo"}}},
            "RequestList": {"type": "object", "properties": {"items": {"type": "array", "items": {"type": "object", "properties": {"id": {"type": "string", "format": "uuid"}, "kind": {"$ref": "#/components/schemas/RequestKind"}, "title": {"type": "string"}, "status": {"$ref": "#/components/schemas/RequestStatus"}, "routedTo": {"$ref": "#/components/schemas/RoutedTo"}, "acknowledgeBy": {"type": "string", "format": "date"}, "answerBy": {"type": "string", "format": "date"}, "overdue": {"type": "boolean"}, "escalated": {"type": "boolean"}}}}}}
          }
        }
        """#
}
