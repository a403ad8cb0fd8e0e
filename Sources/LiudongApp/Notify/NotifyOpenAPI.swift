/// The notification endpoints' part of `/openapi.json`.
enum NotifyOpenAPI {
    static let part = """
        {
          "paths": {
            "/api/v1/my/notifications": {
              "get": {
                "summary": "The signed-in member's inbox, newest first (30 a page, ?page=N): each message's event, category, title, text, link, what to do there, when, whether read, and what became of its SMS. Reading it marks nothing read.",
                "tags": ["member"],
                "responses": {"200": {"description": "{\\"unread\\",\\"total\\",\\"page\\",\\"pages\\",\\"items\\":[{\\"id\\",\\"event\\",\\"category\\",\\"title\\",\\"text\\",\\"link\\",\\"action\\",\\"createdAt\\",\\"at\\",\\"read\\",\\"sms\\"}]}"}}
              }
            },
            "/api/v1/my/notifications/read": {
              "post": {
                "summary": "Marks the member's messages read: {\\"ids\\":[…]} (at most 500), or all without ids; answers the first page.",
                "tags": ["member"],
                "responses": {"200": {"description": "the listing"}, "422": {"description": "too many ids"}}
              }
            },
            "/api/v1/my/notifications/settings": {
              "get": {"summary": "The member's SMS switches per category, the quiet hours and the weekly cap.", "tags": ["member"], "responses": {"200": {"description": "{\\"switches\\":[{\\"category\\",\\"label\\",\\"on\\",\\"alwaysOn\\"}],\\"quietHours\\",\\"weeklyCap\\"}"}}},
              "put": {"summary": "Sets the categories switched off: {\\"off\\":[\\"quiz\\",…]}; security messages cannot be switched off (422).", "tags": ["member"], "responses": {"200": {"description": "the switches"}, "422": {"description": "a category that cannot be switched off"}}}
            },
            "/api/v1/notifications/figures": {
              "get": {
                "summary": "Messages per day and category under an organization of the account's scope (?org=CODE&days=1…92, default 14): sent (delivered among them), failed, held in the inbox, waiting; the provider and its balance where its API reports one.",
                "responses": {"200": {"description": "{\\"org\\",\\"name\\",\\"provider\\",\\"balance\\",\\"days\\",\\"figures\\":[{\\"day\\",\\"category\\",\\"label\\",\\"sent\\",\\"delivered\\",\\"failed\\",\\"held\\",\\"queued\\"}]}"}}
              }
            },
            "/api/v1/notify/sms-reports/{token}": {
              "post": {
                "summary": "Alibaba Cloud SMS delivery reports (SmsReport pushed over HTTP, a JSON array of at most 1000). Public; the path's token must equal LIUDONG_SMS_CALLBACK_TOKEN (403 otherwise, 404 when none is set); each report is applied only when its out_id, biz_id and phone match the message sent; replays change nothing.",
                "tags": ["public"],
                "responses": {"200": {"description": "{\\"code\\":0,\\"msg\\":\\"成功\\"}"}, "403": {"description": "wrong token"}, "422": {"description": "not a JSON array of reports"}}
              }
            }
          }
        }
        """
}
