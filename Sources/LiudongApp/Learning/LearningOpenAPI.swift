/// The learning feature's part of `/openapi.json`.
enum LearningOpenAPI {
    static let part = #"""
        {
          "paths": {
            "/api/v1/org-life": {
              "post": {
                "summary": "Record an event of organizational life of an organization in scope (an inflow or mobile organization's account: its own)",
                "requestBody": {"required": true, "content": {"application/json": {"schema": {"type": "object", "required": ["orgCode", "kind", "startsAt", "topic"], "properties": {"orgCode": {"type": "string"}, "kind": {"type": "string", "enum": ["memberMeeting", "committeeMeeting", "groupMeeting", "partyClass", "themeDay", "lifeMeeting", "appraisal", "talk"]}, "startsAt": {"type": "string", "example": "2026-12-01T19:30", "description": "Beijing time, or ISO 8601 with its zone"}, "endsAt": {"type": "string", "description": "default: three hours after the start"}, "place": {"type": "string"}, "onlineUrl": {"type": "string"}, "topic": {"type": "string"}, "host": {"type": "string"}, "recorder": {"type": "string"}}}}}},
                "responses": {"201": {"description": "recorded", "content": {"application/json": {"schema": {"type": "object", "properties": {"id": {"type": "string", "format": "uuid"}, "checkInCode": {"type": "string", "example": "K7M3Q9"}}}}}}, "422": {"description": "invalid fields (place or onlineUrl required)"}}
              }
            },
            "/api/v1/org-life/{id}/attendance": {
              "put": {
                "summary": "Record attendance: present, excused (reason required; notCounted for a mobile member whose absence the committee approved, with the approval) or absent",
                "parameters": [{"name": "id", "in": "path", "required": true, "schema": {"type": "string", "format": "uuid"}}],
                "requestBody": {"required": true, "content": {"application/json": {"schema": {"type": "object", "properties": {"items": {"type": "array", "items": {"type": "object", "required": ["memberId", "status"], "properties": {"memberId": {"type": "string", "format": "uuid"}, "status": {"type": "string", "enum": ["present", "excused", "absent"]}, "reason": {"type": "string"}, "attendedAt": {"type": "string", "description": "where the member took part"}, "notCounted": {"type": "boolean"}, "approval": {"type": "string", "description": "who approved the absence and when; required with notCounted"}}}}}}}}},
                "responses": {"200": {"description": "recorded, with the quorum", "content": {"application/json": {"schema": {"type": "object", "properties": {"recorded": {"type": "integer"}, "quorum": {"type": "object", "properties": {"expected": {"type": "integer"}, "present": {"type": "integer"}, "excused": {"type": "integer"}, "notCounted": {"type": "integer"}, "quorate": {"type": "boolean"}, "voting": {"type": "boolean", "description": "a voting meeting: full members only"}, "probationaryPresent": {"type": "integer"}}}}}}}}, "422": {"description": "invalid items, or a member neither on the roster nor reporting to the organization"}}
              }
            },
            "/api/v1/org-life/compliance": {
              "get": {
                "summary": "Each branch under the organization and each required kind: required and held in the quarter (yearly kinds: held from 1 January)",
                "parameters": [{"name": "org", "in": "query", "schema": {"type": "string"}}, {"name": "quarter", "in": "query", "schema": {"type": "string", "example": "2026Q4"}}],
                "responses": {"200": {"description": "the items", "content": {"application/json": {"schema": {"type": "object", "properties": {"items": {"type": "array", "items": {"type": "object", "properties": {"orgCode": {"type": "string"}, "kind": {"type": "string"}, "required": {"type": "integer"}, "held": {"type": "integer"}}}}}}}}}}
              }
            },
            "/api/v1/my/courses": {
              "get": {"summary": "The member's learning menu today", "responses": {"200": {"description": "courses", "content": {"application/json": {"schema": {"type": "object", "properties": {"items": {"type": "array", "items": {"type": "object", "properties": {"id": {"type": "string", "format": "uuid"}, "title": {"type": "string"}, "kind": {"type": "string", "enum": ["article", "video", "audio", "tv", "wechat", "offline"]}, "minutes": {"type": "integer"}, "done": {"type": "boolean"}}}}}}}}}}}
            },
            "/api/v1/my/courses/{id}/complete": {
              "post": {
                "summary": "Confirm a course as learnt; courses of 30 minutes or more need a reflection of at least 50 characters",
                "parameters": [{"name": "id", "in": "path", "required": true, "schema": {"type": "string", "format": "uuid"}}],
                "requestBody": {"content": {"application/json": {"schema": {"type": "object", "properties": {"reflection": {"type": "string"}}}}}},
                "responses": {"201": {"description": "learnt"}, "404": {"description": "not on the member's menu"}, "422": {"description": "reflection required and missing or short"}}
              }
            },
            "/api/v1/my/quiz": {
              "get": {"summary": "This week's quiz — the one named by `id`, else the first not yet answered of the week's quizzes at the member's levels, else the first (true/false questions have the option keys T and F)", "parameters": [{"name": "id", "in": "query", "required": false, "schema": {"type": "string", "format": "uuid"}}], "responses": {"200": {"description": "the quiz", "content": {"application/json": {"schema": {"type": "object", "properties": {"id": {"type": "string"}, "week": {"type": "string", "example": "2026-W49"}, "answered": {"type": "boolean"}, "questions": {"type": "array", "items": {"type": "object", "properties": {"id": {"type": "string"}, "type": {"type": "string", "enum": ["single", "multiple", "trueFalse"]}, "stem": {"type": "string"}, "options": {"type": "array", "items": {"type": "object", "properties": {"key": {"type": "string"}, "text": {"type": "string"}}}}}}}}}}}}, "404": {"description": "no quiz open this week"}}}
            },
            "/api/v1/my/quizzes": {
              "get": {"summary": "Every quiz open this week at the member's levels (city, county, committee, branch), the highest first", "responses": {"200": {"description": "the quizzes", "content": {"application/json": {"schema": {"type": "object", "properties": {"items": {"type": "array", "items": {"type": "object", "properties": {"id": {"type": "string", "format": "uuid"}, "week": {"type": "string"}, "title": {"type": "string"}, "publisher": {"type": "string"}, "answered": {"type": "boolean"}, "score": {"type": "integer"}, "total": {"type": "integer"}}}}}}}}}}}
            },
            "/api/v1/my/quiz/answers": {
              "post": {
                "summary": "Answer a quiz of the week once (`quizId`, else the first not yet answered): the score and each question's explanation",
                "requestBody": {"required": true, "content": {"application/json": {"schema": {"type": "object", "properties": {"quizId": {"type": "string", "format": "uuid"}, "answers": {"type": "array", "items": {"type": "object", "properties": {"questionId": {"type": "string"}, "choices": {"type": "array", "items": {"type": "string"}}}}}}}}}},
                "responses": {"200": {"description": "marked", "content": {"application/json": {"schema": {"type": "object", "properties": {"score": {"type": "integer"}, "total": {"type": "integer"}, "answers": {"type": "array", "items": {"type": "object", "properties": {"questionId": {"type": "string"}, "correct": {"type": "boolean"}, "explanation": {"type": "string"}}}}}}}}}, "404": {"description": "no such quiz open for the member"}, "409": {"description": "already answered"}, "422": {"description": "a question unanswered or a choice not among its options"}}
              }
            },
            "/api/v1/my/org-life/check-in": {
              "post": {
                "summary": "The member checks in to an event with its code, from an hour before it starts to two hours after it ends; credited on the home branch's record",
                "requestBody": {"required": true, "content": {"application/json": {"schema": {"type": "object", "required": ["code"], "properties": {"code": {"type": "string"}}}}}},
                "responses": {"201": {"description": "checked in", "content": {"application/json": {"schema": {"type": "object", "properties": {"eventId": {"type": "string"}, "org": {"type": "string"}, "kind": {"type": "string"}, "topic": {"type": "string"}}}}}}, "422": {"description": "unknown or closed code"}, "429": {"description": "too many attempts"}}
              }
            }
          }
        }
        """#
}
