/// The network feature's part of `/openapi.json`.
enum NetworkOpenAPI {
    static let part = #"""
        {
          "paths": {
            "/api/v1/agreements": {
              "post": {
                "summary": "Sign a co-management agreement (共管协议); 422 per field: dates out of order, same or unknown organization, out of scope",
                "requestBody": {"required": true, "content": {"application/json": {"schema": {"type": "object", "properties": {"outflowOrgCode": {"type": "string"}, "inflowOrgCode": {"type": "string"}, "number": {"type": "string"}, "signedOn": {"type": "string", "format": "date"}, "validFrom": {"type": "string", "format": "date"}, "validTo": {"type": "string", "format": "date"}, "covers": {"type": "string", "enum": ["all", "list"]}, "memberIds": {"type": "array", "items": {"type": "string", "format": "uuid"}}, "duties": {"type": "string"}, "outflowContact": {"type": "string"}, "inflowContact": {"type": "string"}}, "required": ["outflowOrgCode", "inflowOrgCode", "number", "validFrom", "validTo", "covers"]}}}},
                "responses": {"201": {"description": "created", "content": {"application/json": {"schema": {"type": "object", "properties": {"id": {"type": "string", "format": "uuid"}, "status": {"type": "string", "enum": ["draft", "pending", "active", "expiring", "expired", "terminated"]}}}}}}, "422": {"description": "invalid fields", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}}}
              },
              "get": {
                "summary": "Agreements of an organization, of those under and above it, and those it is the other side of",
                "parameters": [{"name": "org", "in": "query", "schema": {"type": "string"}}],
                "responses": {"200": {"description": "agreements", "content": {"application/json": {"schema": {"type": "object", "properties": {"items": {"type": "array", "items": {"type": "object", "properties": {"id": {"type": "string", "format": "uuid"}, "number": {"type": "string"}, "outflowOrgCode": {"type": "string"}, "inflowOrgCode": {"type": "string"}, "validFrom": {"type": "string", "format": "date"}, "validTo": {"type": "string", "format": "date"}, "status": {"type": "string"}}}}}}}}}}
              }
            },
            "/api/v1/coverage": {
              "get": {
                "summary": "Coverage rate (覆盖率) of an organization's mobile members today, by way, and where the uncovered are",
                "parameters": [{"name": "org", "in": "query", "schema": {"type": "string"}}],
                "responses": {"200": {"description": "coverage", "content": {"application/json": {"schema": {"type": "object", "properties": {"org": {"type": "string"}, "mobileMembers": {"type": "integer"}, "covered": {"type": "integer"}, "rate": {"type": "number", "minimum": 0, "maximum": 1}, "byWay": {"type": "object", "properties": {"mobileOrg": {"type": "integer"}, "agreement": {"type": "integer"}}}, "uncoveredByDestination": {"type": "array", "items": {"type": "object", "properties": {"code": {"type": "string"}, "name": {"type": "string"}, "members": {"type": "integer"}}}}}}}}}}
              }
            },
            "/api/v1/temporary-org-suggestions": {
              "get": {
                "summary": "Three or more uncovered full members of one county at one destination county: 建议成立临时党支部",
                "parameters": [{"name": "org", "in": "query", "schema": {"type": "string"}}],
                "responses": {"200": {"description": "suggestions", "content": {"application/json": {"schema": {"type": "object", "properties": {"items": {"type": "array", "items": {"type": "object", "properties": {"countyCode": {"type": "string"}, "destinationCode": {"type": "string"}, "destinationName": {"type": "string"}, "members": {"type": "integer"}, "memberIds": {"type": "array", "items": {"type": "string", "format": "uuid"}}}}}}}}}}}
              }
            }
          }
        }
        """#
}
