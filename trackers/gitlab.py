"""GitLab Issues (gitlab.com or self-managed): a token in ``PRIVATE-TOKEN``, issues created in
the configured project (numeric id or "group/project") with ``due_date``. Webhooks: issue
events (``object_kind: issue``, ``action: close/reopen``), carrying the secret token in
``X-Gitlab-Token``."""

import re
from urllib.parse import quote, urlsplit

from trackers.base import (
    CLOSED,
    OPEN,
    BadSignature,
    Client,
    Issue,
    MalformedPayload,
    load_json,
    same,
)

NUMBER = re.compile(r"^(?:(?P<project>[\w.\-/]+))?#?(?P<iid>\d+)$")


class GitLabClient(Client):
    label = "GitLab"

    def auth_headers(self):
        return {"PRIVATE-TOKEN": self.connection.token}

    @property
    def project_path(self):
        return "/api/v4/projects/" + quote(self.project, safe="")

    def create_issue(self, draft):
        fields = {"title": draft.title[:255], "description": draft.body}
        if draft.due:
            fields["due_date"] = draft.due.isoformat()
        return self.issue_from(self.request("POST", f"{self.project_path}/issues", json=fields))

    def find_issue(self, marker):
        found = self.request("GET", f"{self.project_path}/issues", shape=list,
                             params={"search": marker, "in": "description", "scope": "all"})
        for item in found:
            if isinstance(item, dict) and self.carries(item.get("description"), marker):
                return self.issue_from(item)
        return None

    def get_state(self, reference):
        return self.issue_from(self.request("GET", f"{self.project_path}/issues/{reference}"))

    def _issue_from(self, data):
        iid = int(data["iid"])
        state = data["state"]
        if state not in ("opened", "closed", "reopened"):
            raise ValueError(state)
        references = data.get("references") or {}
        key = references.get("full") or f"{self.project}#{iid}"
        return Issue(reference=str(iid), key=str(key), url=str(data.get("web_url") or
                                                                 data.get("url") or ""),
                     state=CLOSED if state == "closed" else OPEN, state_name=state)

    def parse_reference(self, text):
        text = text.strip()
        if text.startswith(("http://", "https://")):
            path = urlsplit(text).path.strip("/")
            project, _, rest = path.partition("/-/issues/")
            if rest.split("/")[0].isdigit():
                text = f"{project}#{rest.split('/')[0]}"
        match = NUMBER.match(text)
        if not match:
            raise ValueError(f"Give an issue number like 42, {self.project}#42 or its URL.")
        if match["project"] and not self.project.isdigit() and \
                match["project"].lower() != self.project.lower():
            raise ValueError(f"This tracker files issues in {self.project}, not "
                             f"{match['project']}.")
        return match["iid"]

    def parse_webhook(self, headers, body, query):
        secret = self.connection.webhook_secret
        if not secret or not same(headers.get("X-Gitlab-Token", ""), secret):
            raise BadSignature("X-Gitlab-Token does not match the webhook secret.")
        payload = load_json(body)
        if payload.get("object_kind") != "issue":
            return []
        try:
            attributes = payload["object_attributes"]
            project = payload["project"]
            issue = self._issue_from({**attributes, "references": {
                "full": f"{project['path_with_namespace']}#{attributes['iid']}"}})
        except (KeyError, TypeError, ValueError):
            raise MalformedPayload("An issue event without object_attributes.iid and state.") \
                from None
        same_project = str(project.get("id")) == self.project or \
            str(project.get("path_with_namespace", "")).lower() == self.project.lower()
        return [issue] if same_project else []
