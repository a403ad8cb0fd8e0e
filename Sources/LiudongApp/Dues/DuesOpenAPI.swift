/// The dues feature's part of `/openapi.json`. Amounts are integer fen.
enum DuesOpenAPI {
    static let part = #"""
        {
          "paths": {
            "/api/v1/my/dues": {
              "get": {
                "summary": "The signed-in member's dues: base and category in force, the monthly amount, the last month paid through, the months unpaid (through this month) and every payment (amounts in fen)",
                "responses": {"200": {"description": "the member's dues", "content": {"application/json": {"schema": {"type": "object", "properties": {"base": {"type": "integer", "nullable": true}, "category": {"type": "string", "nullable": true, "enum": ["employed", "retired", "farmer", "reduced", "other"]}, "monthly": {"type": "integer", "nullable": true}, "paidThrough": {"type": "string", "nullable": true, "example": "2026-11"}, "unpaidMonths": {"type": "array", "items": {"type": "string"}}, "items": {"type": "array", "items": {"type": "object", "properties": {"from": {"type": "string"}, "to": {"type": "string"}, "amount": {"type": "integer"}, "paidTo": {"type": "string"}, "paidOn": {"type": "string"}}}}}}}}}, "401": {"description": "no member signed in"}}
              }
            },
            "/api/v1/dues/payments": {
              "post": {
                "summary": "Record a payment paid to an organization the account answers for (an inflow account: its own, for a member reporting to it): months from–to, amount in fen (at least what the months cost; a voluntary 1,000 元 beyond is marked for the centre), paidOn, paidTo (the organization's code: the member's branch, the inflow organization reported to, a mobile organization taken part in), channel; receipt, reference, paidBy (代缴), note (the branch's note on arrears older than the back-payment limit) optional",
                "requestBody": {"required": true, "content": {"application/json": {"schema": {"type": "object", "required": ["memberId", "from", "amountFen", "paidOn", "paidTo", "channel"], "properties": {"memberId": {"type": "string", "format": "uuid"}, "from": {"type": "string", "example": "2026-10"}, "to": {"type": "string", "example": "2026-12"}, "amountFen": {"type": "integer"}, "paidOn": {"type": "string", "format": "date"}, "paidTo": {"type": "string"}, "channel": {"type": "string", "enum": ["cash", "bank", "online"]}, "receipt": {"type": "string"}, "reference": {"type": "string"}, "paidBy": {"type": "string"}, "note": {"type": "string"}}}}}},
                "responses": {"201": {"description": "recorded", "content": {"application/json": {"schema": {"type": "object", "properties": {"id": {"type": "string", "format": "uuid"}}}}}}, "404": {"description": "no such member in scope"}, "409": {"description": "a month already paid (the message says where and when), months ahead without the branch's consent, arrears beyond the limit recorded elsewhere than the home branch"}, "422": {"description": "invalid fields"}}
              }
            },
            "/api/v1/dues/collection": {
              "get": {
                "summary": "A month's collection under an organization (a branch, or an inflow organization's reporting members): members due, amounts due and paid (fen), the rate paid over due (0–1), the unpaid members with every month they owe through it",
                "parameters": [{"name": "org", "in": "query", "schema": {"type": "string"}}, {"name": "month", "in": "query", "schema": {"type": "string", "example": "2026-11"}}],
                "responses": {"200": {"description": "the collection", "content": {"application/json": {"schema": {"type": "object", "properties": {"org": {"type": "string"}, "month": {"type": "string"}, "members": {"type": "integer"}, "due": {"type": "integer"}, "paid": {"type": "integer"}, "rate": {"type": "number", "nullable": true}, "unpaid": {"type": "array", "items": {"type": "object", "properties": {"memberId": {"type": "string", "format": "uuid"}, "name": {"type": "string"}, "months": {"type": "array", "items": {"type": "string"}}}}}}}}}}, "404": {"description": "no such organization in scope"}, "422": {"description": "a month that is not one"}}
              }
            }
          }
        }
        """#
}
