"""An action item's ticket page: create one, link an existing one (checked on the tracker),
unlink; the tracker is the incident's service's, else the site-wide default."""

import pytest
from django.urls import reverse

from postmortems.models import ActionItem
from tests.trackers.servers import connect
from trackers.models import ServiceTracker, TicketLink, TrackerConnection

pytestmark = pytest.mark.django_db


@pytest.fixture
def item(make, editor):
    return make.action_item(make.incident(), owner=editor, ticket="")


@pytest.mark.parametrize("kind, typed, key", [
    ("jira_cloud", "ops-1", "OPS-1"),
    ("jira_dc", "https://jira.example.com/browse/OPS-1", "OPS-1"),
    ("github", "#1", "acme/shop#1"),
    ("github", "https://github.com/acme/shop/issues/1", "acme/shop#1"),
    ("gitlab", "1", "my-group/my-project#1"),
    ("gitlab", "https://gitlab.example.com/my-group/my-project/-/issues/1",
     "my-group/my-project#1"),
])
def test_link_an_existing_ticket_by_key_or_url(tracker_server, item, editor_client, kind,
                                                typed, key):
    server = tracker_server(kind)
    connect(server)
    server.issues["OPS-1" if kind.startswith("jira") else "1"] = {
        "title": "x", "body": "", "state": "closed", "due": None}
    response = editor_client.post(reverse("trackers:ticket_link", args=[item.pk]),
                                  {"reference": typed})
    assert response.status_code == 302, response.content.decode()[-3000:]
    link = TicketLink.objects.get(item=item)
    item.refresh_from_db()
    assert item.ticket == link.key == key
    assert link.state == "closed"  # as the tracker says; linking alone closes nothing
    assert item.status == "open"


@pytest.mark.parametrize("typed, message", [
    ("OPS-9", "has no issue OPS-9"),
    ("not a key", "Give a Jira key like OPS-123"),
])
def test_a_ticket_the_tracker_does_not_have_is_refused(tracker_server, item, editor_client,
                                                       typed, message):
    connect(tracker_server("jira_cloud"))
    response = editor_client.post(reverse("trackers:ticket_link", args=[item.pk]),
                                  {"reference": typed})
    assert response.status_code == 400
    assert message in response.content.decode()
    assert typed in response.content.decode()  # what was typed stays in the form
    assert not TicketLink.objects.exists()


def test_another_repository_is_refused(tracker_server, item, editor_client):
    connect(tracker_server("github"))
    response = editor_client.post(reverse("trackers:ticket_link", args=[item.pk]),
                                  {"reference": "other/repo#3"})
    assert response.status_code == 400
    assert "files issues in acme/shop, not other/repo" in response.content.decode()


def test_wrong_credentials_are_said_not_a_500(tracker_server, item, editor_client):
    server = tracker_server("gitlab")
    connection = connect(server)
    connection.token = "wrong"
    connection.save()
    server.issues["1"] = {"title": "x", "body": "", "state": "open", "due": None}
    response = editor_client.post(reverse("trackers:ticket_link", args=[item.pk]),
                                  {"reference": "1"})
    assert response.status_code == 400
    assert "refused the credentials (HTTP 401)" in response.content.decode()


def test_the_services_tracker_wins_over_the_default(tracker_server, make, editor_client):
    default = connect(tracker_server("github"), name="Default")
    jira = tracker_server("jira_cloud")
    own = connect(jira, name="Payments Jira", is_default=False)
    payments = make.service(name="Payments", slug="payments")
    ServiceTracker.objects.create(service=payments, connection=own)
    incident = make.incident()
    assert TrackerConnection.objects.for_incident(incident) == default
    incident.services.add(payments)
    assert TrackerConnection.objects.for_incident(incident) == own
    page = editor_client.get(reverse("trackers:ticket", args=[
        make.action_item(incident, ticket="").pk])).content.decode()
    assert "Create a ticket in Payments Jira" in page


def test_no_tracker_no_create_button_and_a_clear_message(item, editor_client):
    page = editor_client.get(reverse("postmortems:incident_detail",
                                     args=[item.incident_id])).content.decode()
    assert "Create ticket" not in page
    response = editor_client.post(reverse("trackers:ticket_create", args=[item.pk]),
                                  follow=True)
    assert "No ticket tracker serves this incident" in response.content.decode()
    assert not TicketLink.objects.exists()


def test_an_item_naming_a_ticket_already_is_linked_not_created(tracker_server, make,
                                                                editor_client):
    connect(tracker_server("jira_cloud"))
    item = make.action_item(make.incident(), ticket="OPS-5")
    page = editor_client.get(reverse("postmortems:incident_detail",
                                     args=[item.incident_id])).content.decode()
    assert "Link existing" in page and "Create ticket" not in page
    response = editor_client.post(reverse("trackers:ticket_create", args=[item.pk]),
                                  follow=True)
    assert "names a ticket already (OPS-5): link it instead" in response.content.decode()


def test_viewers_see_the_badge_but_no_buttons(tracker_server, item, client, viewer):
    server = tracker_server("github")
    connection = connect(server)
    TicketLink.objects.create(item=item, connection=connection, reference="1",
                              key="acme/shop#1", url="https://github.com/acme/shop/issues/1",
                              state="open", state_name="open")
    ActionItem.objects.filter(pk=item.pk).update(ticket="acme/shop#1")
    other = ActionItem.objects.create(incident=item.incident, text="Second", ticket="")
    client.force_login(viewer)
    page = client.get("/actions/").content.decode()
    assert 'href="https://github.com/acme/shop/issues/1"' in page
    assert 'data-testid="ticket-state"' in page
    assert "Create ticket" not in page and "Link existing" not in page
    assert other.text in page


def test_unlink_keeps_the_key_on_the_item(tracker_server, item, editor_client):
    connection = connect(tracker_server("github"))
    TicketLink.objects.create(item=item, connection=connection, reference="1",
                              key="acme/shop#1", state="open")
    ActionItem.objects.filter(pk=item.pk).update(ticket="acme/shop#1")
    response = editor_client.post(reverse("trackers:ticket_unlink", args=[item.pk]))
    assert response.status_code == 302
    assert not TicketLink.objects.exists()
    assert ActionItem.objects.get(pk=item.pk).ticket == "acme/shop#1"


def test_the_api_shows_the_tickets_key_url_and_state(tracker_server, item, editor_client):
    connection = connect(tracker_server("github"))
    TicketLink.objects.create(item=item, connection=connection, reference="1",
                              key="acme/shop#1", url="https://github.com/acme/shop/issues/1",
                              state="closed", state_name="closed (completed)")
    ActionItem.objects.filter(pk=item.pk).update(ticket="acme/shop#1")
    other = ActionItem.objects.create(incident=item.incident, text="Second", ticket="")
    rows = {row["id"]: row for row in
            editor_client.get("/api/v1/action-items/").json()["results"]}
    assert rows[item.pk]["ticket"] == "acme/shop#1"
    assert rows[item.pk]["ticket_url"] == "https://github.com/acme/shop/issues/1"
    assert rows[item.pk]["ticket_state"] == "closed"
    assert rows[item.pk]["ticket_state_name"] == "closed (completed)"
    assert rows[other.pk]["ticket_url"] is None and rows[other.pk]["ticket_state"] is None


def test_the_action_pages_cost_the_same_queries_with_tickets(tracker_server, make,
                                                             editor_client,
                                                             django_assert_max_num_queries):
    """Ticket badges come with the items (one join), whatever their number."""
    from django.db import connection as db
    from django.test.utils import CaptureQueriesContext

    tracker = connect(tracker_server("github"))
    incident = make.incident()

    def count(path):
        with CaptureQueriesContext(db) as captured:
            assert editor_client.get(path).status_code == 200
        return len(captured)

    make.action_item(incident, ticket="")
    before = {p: count(p) for p in ("/actions/", f"/incidents/{incident.pk}/")}
    for n in range(6):
        linked = make.action_item(incident, text=f"Item {n}", ticket=f"acme/shop#{n}")
        TicketLink.objects.create(item=linked, connection=tracker, reference=str(n + 10),
                                  key=f"acme/shop#{n}", state="open")
    assert {p: count(p) for p in before} == before


@pytest.mark.parametrize("where", ["incident", "editor", "actions", "print", "meeting"])
def test_the_badge_is_beside_the_item_everywhere_it_appears(tracker_server, make, editor,
                                                           editor_client, where):
    from postmortems.models import Meeting

    connection = connect(tracker_server("jira_cloud"))
    incident = make.incident()
    postmortem = make.postmortem(incident)
    item = make.action_item(incident, ticket="OPS-3")
    TicketLink.objects.create(item=item, connection=connection, reference="OPS-3", key="OPS-3",
                              url="https://acme.atlassian.net/browse/OPS-3", state="open",
                              state_name="In Progress")
    meeting = Meeting.start(postmortem, editor)
    path = {"incident": f"/incidents/{incident.pk}/",
            "editor": f"/incidents/{incident.pk}/postmortem/",
            "actions": "/actions/",
            "print": f"/incidents/{incident.pk}/postmortem/print/",
            "meeting": reverse("meetings:section", args=[meeting.pk, "actions"])}[where]
    page = editor_client.get(path).content.decode()
    assert 'href="https://acme.atlassian.net/browse/OPS-3"' in page
    assert "In Progress</span>" in page
