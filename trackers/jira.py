"""Jira Cloud and Jira Data Center over REST API v2 (both speak it; v2 takes a plain-text
description). Cloud: e-mail + API token as basic auth; Data Center: a personal access token
as bearer. Issues are created with the due date in ``duedate``; a ticket is closed when its
status is in the "done" category. Webhooks: ``jira:issue_updated`` (and created/deleted),
signed with the secret in ``X-Hub-Signature: sha256=…`` (Cloud admin webhooks) or, where Jira
cannot sign (Data Center), carrying the secret as ``?secret=`` in the URL."""

import base64
import re
from urllib.parse import quote, urlsplit

from trackers.base import (
    CLOSED,
    OPEN,
    BadSignature,
    Client,
    Issue,
    MalformedPayload,
    TrackerError,
    hmac_sha256,
    load_json,
    same,
)

KEY = re.compile(r"^[A-Z][A-Z0-9_]*-\d+$")


class JiraClient(Client):
    label = "Jira"

    def auth_headers(self):
        token = self.connection.token
        if self.connection.kind == self.connection.Kind.JIRA_CLOUD:
            pair = f"{self.connection.email}:{token}".encode()
            return {"Authorization": "Basic " + base64.b64encode(pair).decode()}
        return {"Authorization": f"Bearer {token}"}

    def browse_url(self, key):
        return f"{self.base_url}/browse/{key}"

    def create_issue(self, draft):
        fields = {
            "project": {"key": self.project},
            "summary": draft.title[:255],
            "description": draft.body,
            "issuetype": {"name": self.connection.issue_type or "Task"},
        }
        if draft.due:
            fields["duedate"] = draft.due.isoformat()
        created = self.request("POST", "/rest/api/2/issue", json={"fields": fields})
        key = created.get("key")
        if not isinstance(key, str) or not KEY.match(key):
            raise TrackerError("Jira answered without an issue key.")
        return Issue(reference=key, key=key, url=self.browse_url(key), state=OPEN,
                     state_name="Open")

    def find_issue(self, marker):
        # Cloud retired GET /search for /search/jql; Data Center has only /search.
        path = "/rest/api/2/search/jql" if self.connection.kind == \
            self.connection.Kind.JIRA_CLOUD else "/rest/api/2/search"
        phrase = marker.replace("\\", "\\\\").replace('"', '\\"')
        jql = f'project = "{self.project}" AND text ~ "\\"{phrase}\\""'
        data = self.request("GET", path, params={"jql": jql, "maxResults": 10,
                                                 "fields": "status,resolution,description"})
        issues = data.get("issues")
        if not isinstance(issues, list):
            raise TrackerError("Jira answered a search without issues.")
        for item in issues:
            fields = item.get("fields") if isinstance(item, dict) else None
            if isinstance(fields, dict) and self.carries(fields.get("description"), marker):
                return self.issue_from(item)
        return None

    def get_state(self, reference):
        data = self.request("GET", f"/rest/api/2/issue/{quote(reference)}",
                            params={"fields": "status,resolution"})
        return self.issue_from(data)

    def _issue_from(self, data):
        key = data["key"]
        status = data["fields"]["status"]
        category = (status.get("statusCategory") or {}).get("key", "")
        return Issue(reference=key, key=key, url=self.browse_url(key),
                     state=CLOSED if category == "done" else OPEN,
                     state_name=str(status.get("name") or category))

    def parse_reference(self, text):
        text = text.strip()
        if text.startswith(("http://", "https://")):
            path = urlsplit(text).path.rstrip("/")
            text = path.rsplit("/", 1)[-1]
        text = text.upper()
        if not KEY.match(text):
            raise ValueError("Give a Jira key like OPS-123 or its /browse/ URL.")
        return text

    def parse_webhook(self, headers, body, query):
        secret = self.connection.webhook_secret
        signature = headers.get("X-Hub-Signature", "")
        if not secret:
            raise BadSignature("This tracker has no webhook secret: an admin sets one.")
        if signature:
            if not same(signature, "sha256=" + hmac_sha256(secret, body)):
                raise BadSignature("X-Hub-Signature does not match the webhook secret.")
        elif not same(query.get("secret", ""), secret):
            raise BadSignature("Neither an X-Hub-Signature nor the secret in the URL.")
        payload = load_json(body)
        if not str(payload.get("webhookEvent", "")).startswith("jira:issue_"):
            return []
        try:
            return [self._issue_from(payload["issue"])]
        except (KeyError, TypeError, AttributeError):
            raise MalformedPayload("A Jira issue event without issue.key and its status.") \
                from None
