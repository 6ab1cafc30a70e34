"""POST /api/v1/trackers/<github|gitlab|jira>/webhook/: one URL per kind of tracker; the
connection is the one the payload names (GitHub repository, GitLab project, Jira site) whose
webhook secret verifies the signature."""

import json

import pytest
from django.urls import reverse

from postmortems.models import ActionItem
from tests.trackers.servers import KINDS, FakeGitHub, connect
from trackers.models import TicketLink

pytestmark = pytest.mark.django_db


def url(kind):
    return reverse("api:tracker_kind_webhook", args=["jira" if kind.startswith("jira")
                                                     else kind])


def post(client, kind, webhook):
    headers, body, query = webhook
    return client.post(url(kind), body, content_type="application/json", headers=headers,
                       QUERY_STRING="&".join(f"{k}={v}" for k, v in query.items()))


def linked(make, server, connection):
    item = make.action_item(make.incident(), ticket="")
    reference = "OPS-1" if server.kind.startswith("jira") else "1"
    server.issues[reference] = {"title": item.text, "body": "", "state": "open", "due": None}
    TicketLink.objects.create(item=item, connection=connection, reference=reference,
                              key=reference, state="open")
    return item, reference


@pytest.mark.parametrize("kind", KINDS)
def test_the_kind_url_finds_the_connection_from_the_payload_and_closes_the_item(
        kind, tracker_server, make, client):
    # Another connection of the same kind, elsewhere: not the one the payload names.
    other = tracker_server(kind, project="OTHER" if kind.startswith("jira") else
                           "other/repo" if kind == "github" else "other/project",
                           secret="other-secret-000")
    connect(other, name="other", is_default=False)
    server = tracker_server(kind)
    item, reference = linked(make, server, connect(server, is_default=False))
    server.close(reference)
    response = post(client, kind, server.webhook(reference))
    assert response.status_code == 200, response.content
    assert response.json()["closed"] == 1
    assert ActionItem.objects.get(pk=item.pk).status == "done"


@pytest.mark.parametrize("kind", KINDS)
def test_a_wrong_signature_is_refused_and_changes_nothing(kind, tracker_server, make, client):
    server = tracker_server(kind)
    item, reference = linked(make, server, connect(server))
    server.close(reference)
    response = post(client, kind, server.webhook(reference, secret="not-the-secret"))
    assert response.status_code == 403 and "secret" in response.json()["detail"]
    assert ActionItem.objects.get(pk=item.pk).status == "open"


def test_two_connections_to_one_repository_the_secret_tells_which(tracker_server, make,
                                                                   client):
    first = tracker_server("github", secret="first-secret-111")
    connect(first, name="first", is_default=False)
    second = FakeGitHub(secret="second-secret-222")  # the same repository, another secret
    try:
        item, reference = linked(make, second, connect(second, name="second",
                                                        is_default=False))
        second.close(reference)
        assert post(client, "github", second.webhook(reference)).status_code == 200
        assert ActionItem.objects.get(pk=item.pk).status == "done"
    finally:
        second.stop()


@pytest.mark.parametrize("kind", KINDS)
def test_a_payload_naming_no_connection_here_is_404(kind, tracker_server, make, client):
    server = tracker_server(kind)
    _item, reference = linked(make, server, connect(server))
    headers, body, query = server.webhook(reference)
    payload = json.loads(body)
    if kind == "github":
        payload["repository"]["full_name"] = "someone/else"
    elif kind == "gitlab":
        payload["project"].update(path_with_namespace="someone/else", id=999)
    else:
        payload["issue"]["self"] = "https://elsewhere.example.com/rest/api/2/issue/1"
        payload["user"]["self"] = "https://elsewhere.example.com/rest/api/2/user"
    response = post(client, kind, (headers, json.dumps(payload).encode(), query))
    assert response.status_code == 404 and "No " in response.json()["detail"]


@pytest.mark.parametrize(("path", "body", "status"), [
    ("/api/v1/trackers/bitbucket/webhook/", b"{}", 404),
    ("/api/v1/trackers/github/webhook/", b"not json", 400),
    ("/api/v1/trackers/github/webhook/", b"[1, 2]", 400),
    ("/api/v1/trackers/gitlab/webhook/", b'{"project": ["x"]}', 404),
    ("/api/v1/trackers/jira/webhook/", b'{"issue": {"self": 12}}', 404),
])
def test_bad_deliveries_are_clear_errors(client, path, body, status):
    response = client.post(path, body, content_type="application/json")
    assert response.status_code == status and response.json()["detail"]


def test_get_is_not_allowed(client):
    assert client.get("/api/v1/trackers/github/webhook/").status_code == 405
