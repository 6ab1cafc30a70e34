"""Local HTTP servers speaking each tracker's documented REST API and webhooks, the one place
a fake is right (the real trackers are not reachable from the tests). Their answers are the
recorded examples in payloads/ with this issue's values put in; they check the credentials
and the request bodies the way the real API does (401 without the right token, 400/422 on a
body the tracker would refuse) and keep every request they received.

``close(ref)`` / ``reopen(ref)`` change an issue as a person would on the tracker;
``webhook(ref)`` returns the delivery the tracker then sends (headers and body, signed);
``down = True`` makes every call answer 503; ``lose_next_answer = True`` makes the next
create go through and the connection drop before the answer (a lost answer). Each answers
its documented search for the marker a body carries (GitHub ``/search/issues`` with
``q=repo:o/r in:body "…"``, GitLab ``search=`` on the project's issues, Jira JQL
``text ~ "…"``), matching words the way their full-text search does, case-insensitively."""

import base64
import copy
import hashlib
import hmac
import json
import re
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlsplit

from trackers.models import TrackerConnection

PAYLOADS = Path(__file__).parent / "payloads"
# The tests' TRACKER_ENCRYPTION_KEY (the Celery worker process of the tests gets it too).
TEST_KEY = "mX3bq0Qe1c9JZ7w1n3m2yQm6x9bV8sTq4rP2oL5kH0A="


def recorded(name):
    return json.loads((PAYLOADS / f"{name}.json").read_text())


class FakeTracker(ThreadingHTTPServer):
    daemon_threads = True
    kind = None

    def __init__(self, project, token="tracker-token-0123", secret="hook-secret-4567",
                 email="sre@example.com"):
        super().__init__(("127.0.0.1", 0), Handler)
        self.project, self.token, self.secret, self.email = project, token, secret, email
        self.issues = {}       # reference → {"title", "body", "state", "due", ...}
        self.requests = []     # (method, path, headers, json body)
        self.down = False
        self.lose_next_answer = False
        self.lock = threading.Lock()
        self.thread = threading.Thread(target=self.serve_forever, daemon=True)
        self.thread.start()

    @property
    def url(self):
        return f"http://127.0.0.1:{self.server_address[1]}"

    def stop(self):
        self.shutdown()
        self.server_close()

    def close(self, reference):
        self.issues[reference]["state"] = "closed"

    def reopen(self, reference):
        self.issues[reference]["state"] = "open"

    def sign(self, body):
        return hmac.new(self.secret.encode(), body, hashlib.sha256).hexdigest()

    def bodies_with(self, phrase):
        """The references of the issues whose body has the phrase (word search, any case)."""
        words = re.findall(r"\w+", phrase.lower())
        return [ref for ref, issue in self.issues.items() if " ".join(words) in
                " ".join(re.findall(r"\w+", (issue.get("body") or "").lower()))]

    def created(self, method_and_path):
        return [r for r in self.requests if (r[0], r[1]) == method_and_path]

    # Subclasses: authorised(headers), route(method, path, query, body) → (status, json)


class Handler(BaseHTTPRequestHandler):
    def log_message(self, *args):
        pass

    def _serve(self, method):
        server = self.server
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length) if length else b""
        parts = urlsplit(self.path)
        try:
            body = json.loads(raw) if raw else None
        except ValueError:
            return self._json(400, {"message": "Problems parsing JSON"})
        with server.lock:
            server.requests.append((method, parts.path, dict(self.headers), body))
        if server.down:
            return self._json(503, {"message": "Service Unavailable"})
        if not server.authorised(self.headers):
            return self._json(401, server.unauthorised_body)
        with server.lock:
            status, answer = server.route(method, parts.path, parse_qs(parts.query), body)
            lose = method == "POST" and status == 201 and server.lose_next_answer
            server.lose_next_answer = server.lose_next_answer and not lose
        if lose:  # created, and the connection drops before the answer
            self.close_connection = True
            return None
        return self._json(status, answer)

    def do_GET(self):
        self._serve("GET")

    def do_POST(self):
        self._serve("POST")

    def _json(self, status, data):
        payload = json.dumps(data).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)


# --- Jira (REST API v2) -------------------------------------------------------------------

class FakeJira(FakeTracker):
    """Jira Cloud (basic auth: e-mail + API token) or Data Center (bearer PAT)."""

    kind = "jira_cloud"
    unauthorised_body = {"errorMessages": ["You are not authenticated."], "errors": {}}
    DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")

    def __init__(self, project="OPS", data_center=False, **kwargs):
        self.kind = "jira_dc" if data_center else "jira_cloud"
        super().__init__(project, **kwargs)

    def authorised(self, headers):
        given = headers.get("Authorization", "")
        if self.kind == "jira_dc":
            return given == f"Bearer {self.token}"
        pair = base64.b64encode(f"{self.email}:{self.token}".encode()).decode()
        return given == f"Basic {pair}"

    def route(self, method, path, query, body):
        if method == "POST" and path == "/rest/api/2/issue":
            return self.create(body)
        search = "/rest/api/2/search/jql" if self.kind == "jira_cloud" else "/rest/api/2/search"
        if method == "GET" and path == search:
            return self.search((query.get("jql") or [""])[0])
        if method == "GET" and path == "/rest/api/2/search":  # Cloud retired it
            return 410, {"errorMessages": ["The requested API has been removed. Please "
                                           "migrate to the /rest/api/3/search/jql API."]}
        match = re.fullmatch(r"/rest/api/2/issue/([A-Z][A-Z0-9_]*-\d+)", path)
        if method == "GET" and match:
            issue = self.issues.get(match[1])
            if issue is None:
                return 404, {"errorMessages": [
                    "Issue does not exist or you do not have permission to see it."],
                    "errors": {}}
            return 200, self.issue_json(match[1], issue)
        return 404, {"errorMessages": ["null for uri"], "errors": {}}

    def create(self, body):
        fields = (body or {}).get("fields") or {}
        errors = {}
        if (fields.get("project") or {}).get("key") != self.project:
            errors["project"] = "valid project is required"
        if not isinstance(fields.get("summary"), str) or not fields["summary"].strip():
            errors["summary"] = "You must specify a summary of the issue."
        if not (fields.get("issuetype") or {}).get("name"):
            errors["issuetype"] = "valid issue type is required"
        if not isinstance(fields.get("description", ""), str):
            errors["description"] = "Operation value must be a string"  # v2: plain text
        if "duedate" in fields and not self.DATE.match(str(fields["duedate"])):
            errors["duedate"] = "Error parsing date string: " + str(fields["duedate"])
        if errors:
            return 400, {"errorMessages": [], "errors": errors}
        number = len(self.issues) + 1
        key = f"{self.project}-{number}"
        self.issues[key] = {"title": fields["summary"], "body": fields.get("description", ""),
                            "due": fields.get("duedate"), "state": "open",
                            "issuetype": fields["issuetype"]["name"]}
        answer = recorded("jira_create_issue_response")
        answer.update(id=str(10000 + number), key=key,
                      self=f"{self.url}/rest/api/2/issue/{10000 + number}")
        return 201, answer

    def search(self, jql):
        match = re.fullmatch(r'project = "([^"]+)" AND text ~ "\\"(.*)\\""', jql)
        if not match:
            return 400, {"errorMessages": [f"Error in the JQL Query: {jql}"], "errors": {}}
        found = [self.issue_json(key, self.issues[key]) for key in self.bodies_with(match[2])
                 if match[1] == self.project]
        if self.kind == "jira_cloud":
            return 200, {"issues": found, "isLast": True}
        return 200, {"startAt": 0, "maxResults": 50, "total": len(found), "issues": found}

    def issue_json(self, key, issue):
        answer = recorded("jira_get_issue_response")
        answer["key"] = key
        answer["fields"]["description"] = issue["body"]
        status = answer["fields"]["status"]
        if issue["state"] == "closed":
            status["name"] = "Done"
            status["statusCategory"].update(key="done", name="Done", colorName="green")
            answer["fields"]["resolution"] = {"name": "Done", "id": "10000"}
        else:
            status["name"] = "In Progress" if issue.get("started") else "To Do"
            status["statusCategory"].update(key="indeterminate" if issue.get("started")
                                            else "new")
        return answer

    def webhook(self, key, secret=None):
        """(headers, body, query): Cloud signs with X-Hub-Signature; Data Center cannot, so
        its webhook URL carries the secret."""
        payload = recorded("jira_issue_updated_webhook")
        got = self.issue_json(key, self.issues[key])
        payload["issue"]["self"] = f"{self.url}/rest/api/2/issue/10002"
        payload["user"]["self"] = f"{self.url}/rest/api/2/user?accountId=557058:c9ebf848"
        payload["issue"].update(key=key, fields={**payload["issue"]["fields"],
                                                 "status": got["fields"]["status"],
                                                 "resolution": got["fields"]["resolution"]})
        body = json.dumps(payload).encode()
        secret = self.secret if secret is None else secret
        if self.kind == "jira_dc":
            return {}, body, {"secret": secret}
        signature = hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()
        return {"X-Hub-Signature": f"sha256={signature}",
                "X-Atlassian-Webhook-Identifier": "1"}, body, {}


# --- GitHub Issues ------------------------------------------------------------------------

class FakeGitHub(FakeTracker):
    kind = "github"
    unauthorised_body = {"message": "Bad credentials",
                         "documentation_url": "https://docs.github.com/rest"}

    def __init__(self, project="acme/shop", **kwargs):
        super().__init__(project, **kwargs)

    def authorised(self, headers):
        return headers.get("Authorization", "") in (f"Bearer {self.token}",
                                                     f"token {self.token}")

    def route(self, method, path, query, body):
        base = f"/repos/{self.project}/issues"
        if method == "POST" and path == base:
            if not isinstance((body or {}).get("title"), str) or not body["title"].strip():
                return 422, {"message": "Validation Failed", "errors": [
                    {"resource": "Issue", "code": "missing_field", "field": "title"}]}
            number = len(self.issues) + 1
            self.issues[str(number)] = {"title": body["title"], "body": body.get("body", ""),
                                        "state": "open", "keys": sorted(body)}
            return 201, self.issue_json(str(number))
        if method == "GET" and path == "/search/issues":
            q = re.fullmatch(r'repo:(\S+) in:body "(.*)"', (query.get("q") or [""])[0])
            if not q:
                return 422, {"message": "Validation Failed", "errors": [
                    {"resource": "Search", "field": "q", "code": "invalid"}]}
            found = [self.issue_json(n) for n in self.bodies_with(q[2])
                     if q[1].lower() == self.project.lower()]
            return 200, {"total_count": len(found), "incomplete_results": False,
                         "items": found}
        match = re.fullmatch(re.escape(base) + r"/(\d+)", path)
        if method == "GET" and match and match[1] in self.issues:
            return 200, self.issue_json(match[1])
        return 404, {"message": "Not Found",
                     "documentation_url": "https://docs.github.com/rest"}

    def issue_json(self, number):
        issue = self.issues[number]
        answer = recorded("github_create_issue_response")
        answer.update(number=int(number), title=issue["title"], body=issue["body"],
                      state=issue["state"],
                      state_reason="completed" if issue["state"] == "closed" else None,
                      html_url=f"https://github.com/{self.project}/issues/{number}",
                      url=f"{self.url}/repos/{self.project}/issues/{number}")
        return answer

    def webhook(self, number, secret=None, event="issues"):
        payload = recorded("github_issues_closed_webhook")
        issue = self.issue_json(number)
        payload["action"] = "closed" if issue["state"] == "closed" else "reopened"
        payload["issue"].update(number=issue["number"], state=issue["state"],
                                state_reason=issue["state_reason"], html_url=issue["html_url"])
        payload["repository"]["full_name"] = self.project
        body = json.dumps(payload).encode()
        secret = self.secret if secret is None else secret
        signature = hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()
        return {"X-GitHub-Event": event, "X-GitHub-Delivery": "72d3162e-cc78-11e3",
                "X-Hub-Signature-256": f"sha256={signature}"}, body, {}


# --- GitLab Issues ------------------------------------------------------------------------

class FakeGitLab(FakeTracker):
    kind = "gitlab"
    unauthorised_body = {"message": "401 Unauthorized"}
    PROJECT_ID = 4

    def __init__(self, project="my-group/my-project", **kwargs):
        super().__init__(project, **kwargs)

    def authorised(self, headers):
        return headers.get("PRIVATE-TOKEN", "") == self.token

    def project_matches(self, given):
        return unquote(given) in (self.project, str(self.PROJECT_ID))

    def route(self, method, path, query, body):
        match = re.fullmatch(r"/api/v4/projects/([^/]+)/issues(?:/(\d+))?", path)
        if not match or not self.project_matches(match[1]):
            return 404, {"message": "404 Project Not Found"}
        if method == "POST" and match[2] is None:
            body = body or {}
            if not isinstance(body.get("title"), str) or not body["title"].strip():
                return 400, {"error": "title is missing"}
            if "due_date" in body and not re.fullmatch(r"\d{4}-\d{2}-\d{2}",
                                                       str(body["due_date"])):
                return 400, {"error": "due_date is invalid"}
            iid = len(self.issues) + 1
            self.issues[str(iid)] = {"title": body["title"],
                                     "body": body.get("description", ""),
                                     "due": body.get("due_date"), "state": "open"}
            return 201, self.issue_json(str(iid))
        if method == "GET" and match[2] is None:
            found = self.bodies_with((query.get("search") or [""])[0]) \
                if query.get("in", ["title,description"])[0] in ("description",
                                                                 "title,description") \
                else []
            return 200, [self.issue_json(iid) for iid in found]
        if method == "GET" and match[2] in self.issues:
            return 200, self.issue_json(match[2])
        return 404, {"message": "404 Not found"}

    def issue_json(self, iid):
        issue = self.issues[iid]
        answer = copy.deepcopy(recorded("gitlab_create_issue_response"))
        answer.update(iid=int(iid), id=80 + int(iid), title=issue["title"],
                      description=issue["body"], due_date=issue["due"],
                      state="closed" if issue["state"] == "closed" else "opened",
                      web_url=f"https://gitlab.example.com/{self.project}/-/issues/{iid}",
                      references={"short": f"#{iid}", "relative": f"#{iid}",
                                  "full": f"{self.project}#{iid}"})
        return answer

    def webhook(self, iid, secret=None):
        payload = recorded("gitlab_issue_close_webhook")
        closed = self.issues[iid]["state"] == "closed"
        payload["project"].update(id=self.PROJECT_ID, path_with_namespace=self.project)
        payload["object_attributes"].update(
            iid=int(iid), state="closed" if closed else "opened",
            action="close" if closed else "reopen",
            url=f"https://gitlab.example.com/{self.project}/-/issues/{iid}")
        body = json.dumps(payload).encode()
        return {"X-Gitlab-Event": "Issue Hook",
                "X-Gitlab-Token": self.secret if secret is None else secret}, body, {}


# --- Connections to them -------------------------------------------------------------------

def connect(server, name=None, is_default=True, **fields):
    """A TrackerConnection to a fake tracker, saved the way the form saves it."""
    connection = TrackerConnection(
        name=name or f"{server.kind} tracker", kind=server.kind, base_url=server.url,
        project=server.project, email=server.email if server.kind == "jira_cloud" else "",
        is_default=is_default, **fields)
    connection.token = server.token
    connection.webhook_secret = server.secret
    connection.full_clean()
    connection.save()
    return connection


KINDS = ["jira_cloud", "jira_dc", "github", "gitlab"]
