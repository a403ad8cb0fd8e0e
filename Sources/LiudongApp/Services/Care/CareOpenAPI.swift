/// The care feature's part of `/openapi.json`.
enum CareOpenAPI {
    static let part = #"""
        {
          "paths": {
            "/api/v1/care-campaigns/{id}/progress": {
              "get": {
                "summary": "A care campaign's progress (节日慰问): its targets (registered hardship, aged 70+, 50 years in the Party, long-term away — as the campaign chose) and those visited, per child organization of the account's organization (or of the campaign's, for an account above it)",
                "parameters": [{"name": "id", "in": "path", "required": true, "schema": {"type": "string", "format": "uuid"}}, {"name": "org", "in": "query", "schema": {"type": "string"}}],
                "responses": {"200": {"description": "the progress", "content": {"application/json": {"schema": {"type": "object", "properties": {"targets": {"type": "integer"}, "visited": {"type": "integer"}, "byOrg": {"type": "array", "items": {"type": "object", "properties": {"orgCode": {"type": "string"}, "name": {"type": "string"}, "targets": {"type": "integer"}, "visited": {"type": "integer"}}}}}}}}}, "404": {"description": "no such campaign in scope"}}
              }
            }
          }
        }
        """#
}
