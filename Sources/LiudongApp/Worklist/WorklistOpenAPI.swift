/// The worklist's part of `/openapi.json`.
enum WorklistOpenAPI {
    static let part = #"""
        {
          "paths": {
            "/api/v1/worklist": {
              "get": {
                "summary": "What the account must do now (待办): most overdue first, only non-zero counts",
                "security": [{"bearer": []}],
                "responses": {"200": {"description": "the account's worklist", "content": {"application/json": {"schema": {"type": "object", "required": ["items"], "properties": {"items": {"type": "array", "items": {"type": "object", "required": ["kind", "label", "count", "overdue", "href"], "properties": {"kind": {"type": "string", "example": "reviews"}, "label": {"type": "string", "example": "报告待审核"}, "count": {"type": "integer"}, "overdue": {"type": "integer", "description": "how many of count are overdue"}, "href": {"type": "string", "example": "/reviews"}}}}}}}}}, "401": {"description": "not signed in", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}}}
              }
            }
          }
        }
        """#
}
