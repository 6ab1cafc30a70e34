"""A tracker that is down never holds up or fails a request: creation waits in the pending
state, the poll job backs off (doubling), the item says "not synced since …", and everything
catches up once the tracker answers again."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from postmortems.models import ActionItem
from tests.trackers.servers import connect
from trackers import sync, tasks
from trackers.base import Issue
from trackers.models import TicketLink

pytestmark = pytest.mark.django_db


@pytest.fixture
def item(make, editor):
    return make.action_item(make.incident(), owner=editor, ticket="")


def test_polling_a_down_tracker_backs_off_shows_not_synced_and_recovers(
        tracker_server, item, editor_client):
    server = tracker_server("jira_cloud")
    connection = connect(server)
    server.issues["OPS-1"] = {"title": item.text, "body": "", "state": "open", "due": None}
    t0 = timezone.now()
    link = TicketLink(item=item, connection=connection)
    link.record_success(Issue("OPS-1", "OPS-1", f"{server.url}/browse/OPS-1", "open",
                                   "To Do"), now=t0)
    link.save()

    server.down = True
    t1 = t0 + timedelta(minutes=5)
    assert sync.poll(now=t1)["failed"] == 1
    link.refresh_from_db()
    assert link.failures == 1 and "HTTP 503" in link.last_error
    assert link.next_attempt_at == t1 + timedelta(seconds=60)
    assert link.not_synced_since == t0
    page = editor_client.get(reverse("postmortems:incident_detail",
                                     args=[item.incident_id])).content.decode()
    assert f"not synced since {t0:%Y-%m-%d %H:%M}" in page

    # Not due again before the backoff has passed; then again, and the wait doubles.
    calls = len(server.requests)
    assert sync.poll(now=t1 + timedelta(seconds=30))["failed"] == 0
    assert len(server.requests) == calls
    t2 = t1 + timedelta(seconds=61)
    sync.poll(now=t2)
    link.refresh_from_db()
    assert link.failures == 2 and link.next_attempt_at == t2 + timedelta(seconds=120)

    # Back up, and closed meanwhile: the next poll catches up.
    server.down = False
    server.close("OPS-1")
    t3 = t2 + timedelta(seconds=121)
    assert sync.poll(now=t3)["closed"] == 1
    link.refresh_from_db()
    assert link.last_error == "" and link.failures == 0 and link.not_synced_since is None
    assert link.synced_at == t3
    assert ActionItem.objects.get(pk=item.pk).status == "done"


def test_an_unreachable_tracker_fails_fast_and_once_per_run(tracker_server, make):
    server = tracker_server("github")
    connection = connect(server)
    incident = make.incident()
    for n in range(3):
        TicketLink.objects.create(item=make.action_item(incident, ticket=""),
                                  connection=connection, reference=str(n + 1), state="open",
                                  next_attempt_at=timezone.now())
    server.stop()  # nothing listens there any more: connection refused
    started = timezone.now()
    assert sync.poll()["failed"] == 3
    assert (timezone.now() - started).total_seconds() < 3
    assert set(TicketLink.objects.values_list("failures", flat=True)) == {1}
    assert all("could not be reached" in e for e in
               TicketLink.objects.values_list("last_error", flat=True))


def test_creating_while_the_tracker_is_down_waits_and_is_retried(
        tracker_server, item, editor_client, django_capture_on_commit_callbacks):
    server = tracker_server("gitlab")
    connect(server)
    server.down = True
    with django_capture_on_commit_callbacks(execute=False):
        response = editor_client.post(reverse("trackers:ticket_create", args=[item.pk]))
    assert response.status_code == 302
    link = TicketLink.objects.get(item=item)
    assert tasks.create_ticket.apply(args=[link.pk]).get()["status"] == "failed"
    link.refresh_from_db()
    assert link.state == "pending" and link.failures == 1 and link.last_error
    page = editor_client.get(reverse("postmortems:incident_detail",
                                     args=[item.incident_id])).content.decode()
    assert "being created" in page and "not synced since" in page

    server.down = False
    counts = sync.poll(now=timezone.now() + timedelta(minutes=2))
    assert counts["created"] == 1
    link.refresh_from_db()
    item.refresh_from_db()
    assert link.state == "open" and item.ticket == "my-group/my-project#1"
    assert len(server.issues) == 1


def test_a_broker_that_is_down_keeps_the_creation_in_the_outbox(
        tracker_server, item, editor_client, settings, django_capture_on_commit_callbacks):
    from config.models import OutboxTask
    from config.queue import send_outbox

    server = tracker_server("github")
    connect(server)
    settings.CELERY_BROKER_URL = "redis://127.0.0.1:1/0"  # nothing listens: not sent
    with django_capture_on_commit_callbacks(execute=True):
        response = editor_client.post(reverse("trackers:ticket_create", args=[item.pk]))
    assert response.status_code == 302
    assert TicketLink.objects.filter(item=item, state="pending").exists()
    (kept,) = OutboxTask.objects.filter(task="trackers.create_ticket")
    assert kept.args == [TicketLink.objects.get(item=item).pk]
    # The outbox job cannot send either while the broker is down; the poll job creates it.
    assert send_outbox() == 0
    assert sync.poll(now=timezone.now() + timedelta(seconds=1))["created"] == 1
    assert len(server.issues) == 1
