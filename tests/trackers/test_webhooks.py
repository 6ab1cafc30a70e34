"""POST /api/v1/trackers/<id>/webhook/: a bad signature is 403, a body that is not JSON 400,
an issue the site does not know 200 (ignored), never a 500; nothing changes on a refusal."""

import json

import pytest
from django.urls import reverse

from postmortems.models import ActionItem
from tests.trackers.servers import KINDS, connect
from trackers.models import TicketLink

pytestmark = pytest.mark.django_db


@pytest.fixture
def linked(make, tracker_server):
    """kind → (server, connection, item, reference): an item whose ticket is open."""

    def make_linked(kind):
        server = tracker_server(kind)
        connection = connect(server)
        item = make.action_item(make.incident(), ticket="")
        reference = "OPS-1" if kind.startswith("jira") else "1"
        server.issues[reference] = {"title": item.text, "body": "", "state": "open",
                                    "due": None}
        TicketLink.objects.create(item=item, connection=connection, reference=reference,
                                  key=reference, state="open")
        return server, connection, item, reference

    return make_linked


def post(client, connection, webhook):
    headers, body, query = webhook
    url = reverse("api:tracker_webhook", args=[connection.pk])
    return client.post(url, body, content_type="application/json", headers=headers,
                       QUERY_STRING="&".join(f"{k}={v}" for k, v in query.items()))


@pytest.mark.parametrize("kind", KINDS)
def test_a_wrong_signature_is_refused_and_changes_nothing(client, linked, kind):
    server, connection, item, reference = linked(kind)
    server.close(reference)
    response = post(client, connection, server.webhook(reference, secret="not-the-secret"))
    assert response.status_code == 403
    assert "secret" in response.json()["detail"]
    item.refresh_from_db()
    assert item.status == "open"


@pytest.mark.parametrize("kind", KINDS)
def test_no_signature_at_all_is_refused(client, linked, kind):
    server, connection, _item, reference = linked(kind)
    _headers, body, _query = server.webhook(reference)
    assert post(client, connection, ({}, body, {})).status_code == 403


@pytest.mark.parametrize("kind", KINDS)
def test_a_body_that_is_not_json_is_400(client, linked, kind):
    server, connection, _item, reference = linked(kind)
    body = b"{not json"
    headers, _body, query = server.webhook(reference)
    headers = dict(headers.items())
    if "X-Hub-Signature-256" in headers:
        headers["X-Hub-Signature-256"] = "sha256=" + server.sign(body)
    if "X-Hub-Signature" in headers:
        headers["X-Hub-Signature"] = "sha256=" + server.sign(body)
    assert post(client, connection, (headers, body, query)).status_code == 400


@pytest.mark.parametrize("kind", KINDS)
def test_json_without_the_issue_fields_is_400(client, linked, kind):
    server, connection, _item, reference = linked(kind)
    headers, body, query = server.webhook(reference)
    payload = json.loads(body)
    for key in ("issue", "object_attributes"):
        payload.pop(key, None)
    payload["issue"] = {"unexpected": True} if kind != "gitlab" else None
    body = json.dumps(payload).encode()
    if "X-Hub-Signature-256" in headers:
        headers["X-Hub-Signature-256"] = "sha256=" + server.sign(body)
    if "X-Hub-Signature" in headers:
        headers["X-Hub-Signature"] = "sha256=" + server.sign(body)
    assert post(client, connection, (headers, body, query)).status_code == 400


@pytest.mark.parametrize("kind", KINDS)
def test_an_unknown_ticket_is_ignored_with_200(client, linked, kind):
    server, connection, item, _reference = linked(kind)
    other = "OPS-77" if kind.startswith("jira") else "77"
    server.issues[other] = {"title": "x", "body": "", "state": "closed", "due": None}
    response = post(client, connection, server.webhook(other))
    assert response.status_code == 200
    assert response.json()["ignored"] == 1 and response.json()["updated"] == 0
    item.refresh_from_db()
    assert item.status == "open"


def test_a_github_ping_and_other_events_are_200(client, linked):
    server, connection, _item, reference = linked("github")
    response = post(client, connection, server.webhook(reference, event="ping"))
    assert response.status_code == 200 and response.json()["ignored"] == 1


def test_an_unknown_connection_is_404_and_get_is_405(client, linked):
    server, connection, _item, reference = linked("gitlab")
    url = reverse("api:tracker_webhook", args=[connection.pk + 100])
    headers, body, _ = server.webhook(reference)
    assert client.post(url, body, content_type="application/json",
                       headers=headers).status_code == 404
    assert client.get(reverse("api:tracker_webhook", args=[connection.pk])).status_code == 405


def test_without_the_encryption_key_deliveries_wait_with_503(client, linked, settings):
    server, connection, item, reference = linked("github")
    server.close(reference)
    settings.TRACKER_ENCRYPTION_KEYS = []
    response = post(client, connection, server.webhook(reference))
    assert response.status_code == 503
    assert "TRACKER_ENCRYPTION_KEY" in response.json()["detail"]
    assert ActionItem.objects.get(pk=item.pk).status == "open"


def test_a_delivery_for_another_repository_is_ignored(client, linked):
    server, connection, item, reference = linked("github")
    server.close(reference)
    headers, body, query = server.webhook(reference)
    payload = json.loads(body)
    payload["repository"]["full_name"] = "someone/else"
    body = json.dumps(payload).encode()
    headers["X-Hub-Signature-256"] = "sha256=" + server.sign(body)
    assert post(client, connection, (headers, body, query)).json()["ignored"] == 1
    assert ActionItem.objects.get(pk=item.pk).status == "open"


@pytest.mark.parametrize("kind", KINDS)
def test_a_tracker_without_a_webhook_secret_accepts_no_delivery(client, linked, kind):
    """Signed with an empty key, as anybody could: still refused."""
    server, connection, item, reference = linked(kind)
    connection.webhook_secret_encrypted = ""
    connection.save()
    server.close(reference)
    assert post(client, connection, server.webhook(reference, secret="")).status_code == 403
    assert ActionItem.objects.get(pk=item.pk).status == "open"
