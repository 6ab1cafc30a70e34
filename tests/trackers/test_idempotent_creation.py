"""Creating a ticket is idempotent: the issue's body carries a marker naming this site's action
item, and a retry after a failed try searches the tracker for it before creating, so an answer
lost after the tracker created the issue does not file a second one."""

from datetime import date

import pytest

from tests.trackers.servers import KINDS, connect
from trackers import sync, tasks
from trackers.models import TicketLink

pytestmark = pytest.mark.django_db


@pytest.fixture
def item(make, editor):
    return make.action_item(make.incident(), text="Alert on checkout 5xx ratio", owner=editor,
                            due=date(2026, 12, 15), ticket="")


def pending_link(item, connection):
    return TicketLink.objects.create(item=item, connection=connection,
                                     next_attempt_at=item.created_at)


@pytest.mark.parametrize("kind", KINDS)
def test_a_lost_answer_then_a_retry_leaves_one_issue(kind, tracker_server, item):
    server = tracker_server(kind)
    link = pending_link(item, connect(server))

    server.lose_next_answer = True
    result = tasks.create_ticket.apply(args=[link.pk]).get()
    assert result["status"] == "failed" and "could not be reached" in result["error"]
    (reference, issue), = server.issues.items()  # the tracker created it nonetheless
    assert f"postmortems-action-item: postmortems.example.com/{item.pk}" in issue["body"]

    result = tasks.create_ticket.apply(args=[link.pk]).get()
    assert result["status"] == "created", result
    assert len(server.issues) == 1
    link.refresh_from_db()
    item.refresh_from_db()
    assert link.reference == reference and link.failures == 0
    assert item.ticket == link.key
    # The retry searched, then did not create.
    posts = [r for r in server.requests if r[0] == "POST"]
    assert len(posts) == 1


@pytest.mark.parametrize("kind", KINDS)
def test_a_retry_after_a_refused_try_searches_finds_nothing_and_creates(
        kind, tracker_server, item):
    server = tracker_server(kind)
    connection = connect(server)
    # Another item's issue (its id starts with this one's): the search's words match, the
    # marker line does not.
    server.issues["9" if kind in ("github", "gitlab") else "OPS-9"] = {
        "title": "x", "body": sync.marker_for(item) + "0", "state": "open", "due": None}
    link = pending_link(item, connection)

    server.down = True
    assert tasks.create_ticket.apply(args=[link.pk]).get()["status"] == "failed"
    server.down = False
    assert tasks.create_ticket.apply(args=[link.pk]).get()["status"] == "created"
    assert len(server.issues) == 2
    searches = [r for r in server.requests if r[0] == "GET"]
    assert len(searches) == 1
    link.refresh_from_db()
    assert link.reference not in ("9", "OPS-9")


def test_a_first_try_does_not_search(tracker_server, item):
    server = tracker_server("github")
    link = pending_link(item, connect(server))
    assert tasks.create_ticket.apply(args=[link.pk]).get()["status"] == "created"
    assert [r[0] for r in server.requests] == ["POST"]
