"""With the real Celery worker process: Create ticket on the page sends the task through the
real broker, the worker calls the tracker, and the item holds the key moments later."""

import time

import pytest
from django.urls import reverse

from postmortems.models import ActionItem
from tests.trackers.servers import connect
from trackers.models import TicketLink

pytestmark = pytest.mark.django_db(transaction=True)


def test_create_ticket_goes_through_the_broker_to_the_worker(
        celery_worker_process, tracker_server, make, editor, editor_client):
    server = tracker_server("github")
    connect(server)
    item = make.action_item(make.incident(), owner=editor, ticket="", text="Page on 5xx")
    started = time.monotonic()
    response = editor_client.post(reverse("trackers:ticket_create", args=[item.pk]))
    assert response.status_code == 302
    assert time.monotonic() - started < 2  # the request did not wait for the tracker

    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        link = TicketLink.objects.get(item=item)
        if link.reference:
            break
        time.sleep(0.2)
    assert link.key == "acme/shop#1" and link.state == "open"
    assert server.issues["1"]["title"] == "Page on 5xx"
    assert ActionItem.objects.get(pk=item.pk).ticket == "acme/shop#1"
