/// The members feature's part of `/openapi.json`.
enum MembersOpenAPI {
    static let part = #"""
        {
          "paths": {
            "/api/v1/member-duplicates": {
              "get": {
                "summary": "Registrations held for the organization department (登记重复待核对) in the account's scope (department accounts)",
                "responses": {"200": {"description": "open ones", "content": {"application/json": {"schema": {"type": "array", "items": {"type": "object", "properties": {"id": {"type": "string"}, "name": {"type": "string"}, "idMasked": {"type": "string"}, "submittedBy": {"type": "string"}, "submittedOrg": {"type": "string"}, "submittedAt": {"type": "string"}, "existingMemberID": {"type": "string", "nullable": true}, "existingPlace": {"type": "string"}}}}}}}}
              }
            },
            "/api/v1/member-duplicates/{id}": {
              "post": {
                "summary": "Settles one with what was done (4–500 characters; the submitting branch gets a notice)",
                "parameters": [{"name": "id", "in": "path", "required": true, "schema": {"type": "string", "format": "uuid"}}],
                "requestBody": {"required": true, "content": {"application/json": {"schema": {"type": "object", "properties": {"resolution": {"type": "string"}}, "required": ["resolution"]}}}},
                "responses": {"204": {"description": "settled"}, "404": {"description": "not in scope"}, "409": {"description": "settled already"}, "422": {"description": "no resolution"}}
              }
            },
            "/api/v1/me": {
              "get": {
                "summary": "The signed-in account",
                "security": [{"bearer": []}],
                "responses": {"200": {"description": "account"}}
              }
            },
            "/api/v1/orgs/{code}": {
              "get": {
                "summary": "An organization with its children and member counts",
                "security": [{"bearer": []}],
                "parameters": [{"name": "code", "in": "path", "required": true, "schema": {"type": "string"}}],
                "responses": {"200": {"description": "organization", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Org"}}}}, "404": {"description": "not found or out of scope", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}}}
              }
            },
            "/api/v1/members": {
              "get": {
                "summary": "Members in the subtree of org (default: the account's scope), searched by name or the last digits of ID number or phone",
                "security": [{"bearer": []}],
                "parameters": [{"name": "org", "in": "query", "schema": {"type": "string"}}, {"name": "q", "in": "query", "schema": {"type": "string"}}, {"name": "page", "in": "query", "schema": {"type": "integer", "minimum": 1}}],
                "responses": {"200": {"description": "a page of members", "content": {"application/json": {"schema": {"type": "object", "properties": {"items": {"type": "array", "items": {"$ref": "#/components/schemas/MemberRow"}}, "total": {"type": "integer"}, "page": {"type": "integer"}, "pageSize": {"type": "integer"}}}}}}, "404": {"description": "org out of scope", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}}}
              },
              "post": {
                "summary": "Register a member",
                "security": [{"bearer": []}],
                "requestBody": {"required": true, "content": {"application/json": {"schema": {"$ref": "#/components/schemas/MemberInput"}}}},
                "responses": {"201": {"description": "created", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Member"}}}}, "202": {"description": "an account below the county registered a number that is on the roster outside its scope: held for the county's organization department to check (never says where)", "content": {"application/json": {"schema": {"type": "object", "properties": {"status": {"type": "string", "enum": ["submitted"]}, "message": {"type": "string"}}}}}}, "422": {"description": "invalid fields, one entry per field (a number already registered within the account's scope, or any for a county or city account)", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}}}
              }
            },
            "/api/v1/members/{id}": {
              "get": {
                "summary": "One member (ID number and phone masked)",
                "security": [{"bearer": []}],
                "parameters": [{"name": "id", "in": "path", "required": true, "schema": {"type": "string", "format": "uuid"}}],
                "responses": {"200": {"description": "member", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Member"}}}}, "404": {"description": "not found or out of scope", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}}}
              }
            }
          },
          "schemas": {
            "Counts": {
              "type": "object",
              "properties": {
                "members": {"type": "integer"},
                "mobileMembers": {"type": "integer"}
              }
            },
            "OrgSummary": {
              "type": "object",
              "properties": {
                "code": {"type": "string"},
                "name": {"type": "string"},
                "shortName": {"type": "string"},
                "kind": {"type": "string", "enum": ["regular", "mobile", "external"]},
                "level": {"type": "string", "nullable": true, "enum": ["city", "county", "committee", "generalBranch", "branch"]},
                "basis": {"type": "string", "nullable": true, "enum": ["chamber", "office", "temporary", "joint"]},
                "divisionCode": {"type": "string"},
                "closed": {"type": "boolean"},
                "members": {"type": "integer"},
                "mobileMembers": {"type": "integer"}
              }
            },
            "Org": {
              "type": "object",
              "properties": {
                "code": {"type": "string"},
                "name": {"type": "string"},
                "shortName": {"type": "string"},
                "kind": {"type": "string"},
                "level": {"type": "string", "nullable": true},
                "basis": {"type": "string", "nullable": true},
                "divisionCode": {"type": "string"},
                "divisionName": {"type": "string"},
                "secretary": {"type": "string"},
                "phone": {"type": "string"},
                "contactPerson": {"type": "string", "nullable": true},
                "parentCode": {"type": "string", "nullable": true},
                "closed": {"type": "boolean"},
                "counts": {"$ref": "#/components/schemas/Counts"},
                "children": {"type": "array", "items": {"$ref": "#/components/schemas/OrgSummary"}}
              }
            },
            "MemberRow": {
              "type": "object",
              "properties": {
                "id": {"type": "string", "format": "uuid"},
                "name": {"type": "string"},
                "sex": {"type": "string"},
                "ethnicity": {"type": "string"},
                "birthMonth": {"type": "string", "example": "1985-03", "description": "year and month only: beside the masked ID a full birth date would complete it"},
                "idMasked": {"type": "string", "example": "150422***********X"},
                "phoneMasked": {"type": "string", "nullable": true, "example": "138****5678"},
                "category": {"type": "string"},
                "education": {"type": "string"},
                "orgCode": {"type": "string"},
                "orgName": {"type": "string"},
                "flowStatus": {"type": "string", "nullable": true}
              }
            },
            "Member": {
              "type": "object",
              "properties": {
                "id": {"type": "string", "format": "uuid"},
                "name": {"type": "string"},
                "sex": {"type": "string"},
                "ethnicity": {"type": "string"},
                "birthMonth": {"type": "string", "example": "1985-03"},
                "idMasked": {"type": "string", "example": "150422***********X"},
                "phoneMasked": {"type": "string", "nullable": true},
                "education": {"type": "string"},
                "category": {"type": "string"},
                "joinedOn": {"type": "string"},
                "fullOn": {"type": "string", "nullable": true},
                "orgCode": {"type": "string"},
                "orgName": {"type": "string"},
                "household": {"type": "string", "nullable": true},
                "residence": {"type": "string", "nullable": true},
                "employer": {"type": "string", "nullable": true},
                "isMigrantWorker": {"type": "boolean"},
                "flowStatus": {"type": "string", "nullable": true}
              }
            },
            "MemberInput": {
              "type": "object",
              "required": ["name", "sex", "ethnicity", "idNumber", "education", "category", "joinedOn", "orgCode"],
              "properties": {
                "name": {"type": "string"},
                "sex": {"type": "string", "description": "male | female | 男 | 女"},
                "ethnicity": {"type": "string", "example": "汉族"},
                "birthDate": {"type": "string", "description": "YYYY-MM-DD; must agree with the ID number"},
                "idNumber": {"type": "string", "description": "GB 11643, 18 characters"},
                "education": {"type": "string", "enum": ["postgraduate", "undergraduate", "college", "highSchool", "technical", "middleSchool", "primary"]},
                "category": {"type": "string", "enum": ["full", "probationary"]},
                "joinedOn": {"type": "string"},
                "fullOn": {"type": "string"},
                "orgCode": {"type": "string", "description": "code of a branch in scope"},
                "phone": {"type": "string"},
                "household": {"type": "string"},
                "residence": {"type": "string"},
                "employer": {"type": "string"},
                "isMigrantWorker": {"type": "string", "description": "1 / true / 是"}
              }
            }
          }
        }
        """#
}
