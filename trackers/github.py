"""GitHub Issues (github.com or GitHub Enterprise's /api/v3): a token as bearer, the REST API
version header, issues created in the configured "owner/repo" with the due date, priority and
owner in the body (GitHub issues have no due date). Webhooks: the ``issues`` event, signed
with HMAC-SHA256 of the body in ``X-Hub-Signature-256``."""

import re
from urllib.parse import urlsplit

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

NUMBER = re.compile(r"^(?:(?P<repo>[\w.-]+/[\w.-]+))?#?(?P<number>\d+)$")


class GitHubClient(Client):
    label = "GitHub"

    def auth_headers(self):
        return {"Authorization": f"Bearer {self.connection.token}",
                "Accept": "application/vnd.github+json",
                "X-GitHub-Api-Version": "2022-11-28"}

    def key(self, number):
        return f"{self.project}#{number}"

    def create_issue(self, draft):
        data = self.request("POST", f"/repos/{self.project}/issues",
                            json={"title": draft.title[:256], "body": draft.body})
        return self.issue_from(data)

    def find_issue(self, marker):
        data = self.request("GET", "/search/issues",
                            params={"q": f'repo:{self.project} in:body "{marker}"'})
        items = data.get("items")
        if not isinstance(items, list):
            raise TrackerError("GitHub answered a search without items.")
        for item in items:
            if isinstance(item, dict) and "pull_request" not in item and \
                    self.carries(item.get("body"), marker):
                return self.issue_from(item)
        return None

    def get_state(self, reference):
        return self.issue_from(self.request("GET", f"/repos/{self.project}/issues/{reference}"))

    def _issue_from(self, data):
        number = int(data["number"])
        state = data["state"]
        if state not in ("open", "closed"):
            raise ValueError(state)
        reason = data.get("state_reason") or ""
        return Issue(reference=str(number), key=self.key(number), url=str(data["html_url"]),
                     state=CLOSED if state == "closed" else OPEN,
                     state_name=f"{state} ({reason.replace('_', ' ')})" if reason and
                     state == "closed" else state)

    def parse_reference(self, text):
        text = text.strip()
        if text.startswith(("http://", "https://")):
            parts = urlsplit(text).path.strip("/").split("/")
            if len(parts) == 4 and parts[2] == "issues" and parts[3].isdigit():
                text = f"{parts[0]}/{parts[1]}#{parts[3]}"
        match = NUMBER.match(text)
        if not match:
            raise ValueError(f"Give an issue number like 42, {self.project}#42 or its URL.")
        if match["repo"] and match["repo"].lower() != self.project.lower():
            raise ValueError(f"This tracker files issues in {self.project}, not "
                             f"{match['repo']}.")
        return match["number"]

    def parse_webhook(self, headers, body, query):
        signature = headers.get("X-Hub-Signature-256", "")
        expected = "sha256=" + hmac_sha256(self.connection.webhook_secret, body)
        if not self.connection.webhook_secret or not same(signature, expected):
            raise BadSignature("X-Hub-Signature-256 does not match the webhook secret.")
        payload = load_json(body)
        if headers.get("X-GitHub-Event", "issues") != "issues":
            return []  # ping and the other events
        try:
            repository = payload["repository"]["full_name"]
            issue = payload["issue"]
        except (KeyError, TypeError):
            raise MalformedPayload("An issues event without repository.full_name and issue.") \
                from None
        if str(repository).lower() != self.project.lower():
            return []
        try:
            return [self._issue_from(issue)]
        except (KeyError, TypeError, ValueError):
            raise MalformedPayload("An issues event whose issue has no number or state.") \
                from None

