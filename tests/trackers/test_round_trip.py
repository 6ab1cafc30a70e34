"""A round trip per tracker, against a local server speaking its API: the editor creates the
ticket from the action item, the ticket is closed on the tracker, the tracker's signed webhook
arrives, and the item is done here (reopened when the ticket reopens); the same through the
poll job."""

from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from postmortems.models import ActionItem
from tests.trackers.servers import KINDS, connect
from trackers import sync, tasks
from trackers.models import TicketLink

pytestmark = pytest.mark.django_db


@pytest.fixture
def item(make, editor):
    incident = make.incident(title="Checkout errors")
    return make.action_item(incident, text="Alert on checkout 5xx ratio", owner=editor,
                            due=date(2026, 12, 15), ticket="", priority="P1")


def create_from_the_page(client, item, django_capture_on_commit_callbacks):
    """The editor presses Create ticket; the task the request sent runs (as a worker would)."""
    with django_capture_on_commit_callbacks(execute=False) as sent:
        response = client.post(reverse("trackers:ticket_create", args=[item.pk]),
                               {"next": "/actions/"})
    assert response.status_code == 302 and response["Location"] == "/actions/"
    assert len(sent) == 1  # the send, once the request's transaction commits
    link = TicketLink.objects.get(item=item)
    assert link.state == TicketLink.State.PENDING
    result = tasks.create_ticket.apply(args=[link.pk]).get()
    assert result["status"] == "created", result
    link.refresh_from_db()
    return link


def deliver(client, connection, webhook):
    headers, body, query = webhook
    url = reverse("api:tracker_webhook", args=[connection.pk])
    if query:
        url += "?" + "&".join(f"{k}={v}" for k, v in query.items())
    return client.post(url, body, content_type="application/json",
                       headers=dict(headers.items()))


def history_reasons(item):
    return list(ActionItem.history.filter(id=item.pk).order_by("history_id")
                .values_list("history_change_reason", flat=True))


@pytest.mark.parametrize("kind", KINDS)
def test_create_close_on_the_tracker_webhook_item_done(
        kind, tracker_server, item, editor_client, client,
        django_capture_on_commit_callbacks):
    server = tracker_server(kind)
    connection = connect(server)

    link = create_from_the_page(editor_client, item, django_capture_on_commit_callbacks)

    # What the tracker received: the action as title, the incident and its link, the due date.
    (reference, issue), = server.issues.items()
    assert issue["title"] == "Alert on checkout 5xx ratio"
    assert f'incident #{item.incident_id} "Checkout errors"' in issue["body"]
    assert f"https://postmortems.example.com/incidents/{item.incident_id}/#action-{item.pk}" \
        in issue["body"]
    assert "Priority: P1" in issue["body"] and "Due: 2026-12-15" in issue["body"]
    if kind.startswith("jira"):
        assert issue["due"] == "2026-12-15" and issue["issuetype"] == "Task"
    if kind == "gitlab":
        assert issue["due"] == "2026-12-15"
    # What the item holds: the key (the orphan rule's ticket) and the URL, state open.
    item.refresh_from_db()
    expected_key = {"jira_cloud": "OPS-1", "jira_dc": "OPS-1", "github": "acme/shop#1",
                    "gitlab": "my-group/my-project#1"}[kind]
    assert item.ticket == link.key == expected_key
    assert link.url and link.state == "open" and link.synced_at is not None
    assert not ActionItem.objects.orphaned().filter(pk=item.pk).exists()
    page = editor_client.get("/actions/").content.decode()
    assert f'href="{link.url}"' in page and 'data-testid="ticket-state"' in page

    # Closed on the tracker; its webhook arrives, signed.
    server.close(reference)
    response = deliver(client, connection, server.webhook(reference))
    assert response.status_code == 200, response.content
    assert response.json()["closed"] == 1
    item.refresh_from_db()
    link.refresh_from_db()
    assert item.status == ActionItem.Status.DONE
    assert link.state == "closed"
    label = "Jira" if kind.startswith("jira") else {"github": "GitHub", "gitlab": "GitLab"}[kind]
    assert history_reasons(item)[-1] == f"closed in {label} ({expected_key})"

    # The same delivery again changes nothing.
    version = item.version
    assert deliver(client, connection, server.webhook(reference)).status_code == 200
    item.refresh_from_db()
    assert item.version == version

    # Reopened on the tracker: the item is open again.
    server.reopen(reference)
    assert deliver(client, connection, server.webhook(reference)).status_code == 200
    item.refresh_from_db()
    assert item.status == ActionItem.Status.OPEN
    assert history_reasons(item)[-1] == f"reopened in {label} ({expected_key})"


@pytest.mark.parametrize("kind", KINDS)
def test_create_close_on_the_tracker_poll_item_done(
        kind, tracker_server, item, editor_client, django_capture_on_commit_callbacks):
    server = tracker_server(kind)
    connect(server)
    link = create_from_the_page(editor_client, item, django_capture_on_commit_callbacks)
    reference = link.reference

    # Not due yet: the poll leaves it alone.
    assert sync.poll()["polled"] == 0
    later = timezone.now() + timedelta(minutes=6)
    server.close(reference)
    assert sync.poll(now=later) == {"polled": 1, "created": 0, "closed": 1, "reopened": 0,
                                    "failed": 0}
    item.refresh_from_db()
    assert item.status == ActionItem.Status.DONE

    server.reopen(reference)
    assert sync.poll(now=later + timedelta(minutes=6))["reopened"] == 1
    item.refresh_from_db()
    assert item.status == ActionItem.Status.OPEN
    gets = [r for r in server.requests if r[0] == "GET"]
    assert len(gets) == 2


def test_an_item_closed_here_is_not_reopened_by_its_open_ticket(
        tracker_server, item, editor_client, django_capture_on_commit_callbacks):
    server = tracker_server("github")
    connect(server)
    create_from_the_page(editor_client, item, django_capture_on_commit_callbacks)
    ActionItem.objects.filter(pk=item.pk).update(status="done")
    sync.poll(now=timezone.now() + timedelta(minutes=6))
    item.refresh_from_db()
    assert item.status == "done"


def test_the_poll_is_bounded_by_its_batch(tracker_server, make, editor):
    server = tracker_server("github")
    connection = connect(server)
    incident = make.incident()
    for n in range(5):
        issue_item = make.action_item(incident, text=f"Item {n}", ticket="")
        server.issues[str(n + 1)] = {"title": f"Item {n}", "body": "", "state": "closed"}
        sync.TicketLink.objects.create(item=issue_item, connection=connection,
                                       reference=str(n + 1), key=f"acme/shop#{n + 1}",
                                       state="open", next_attempt_at=timezone.now())
    assert sync.poll(batch=3)["closed"] == 3
    assert sync.poll(batch=3)["closed"] == 2
    assert ActionItem.objects.filter(status="done").count() == 5


def test_the_poll_leaves_an_incident_in_the_trash_alone(tracker_server, make, editor):
    server = tracker_server("github")
    connection = connect(server)
    trashed, kept = make.incident(title="Deleted"), make.incident(title="Kept")
    for n, incident in enumerate([trashed, kept], start=1):
        issue_item = make.action_item(incident, text=f"Item {n}", ticket="")
        server.issues[str(n)] = {"title": f"Item {n}", "body": "", "state": "closed"}
        sync.TicketLink.objects.create(item=issue_item, connection=connection,
                                       reference=str(n), key=f"acme/shop#{n}",
                                       state="open", next_attempt_at=timezone.now())
    trashed.move_to_trash()
    assert sync.poll()["closed"] == 1
    trashed.restore_from_trash()
    assert ActionItem.objects.get(incident=trashed).status == "open"  # untouched meanwhile
    assert sync.poll()["closed"] == 1  # back: polled again
