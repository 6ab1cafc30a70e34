"""The action item tracker across incidents: filters, counts per filter, sort by due, CSV."""

import csv
import io
from datetime import date, timedelta

import pytest
from django.utils import timezone

from postmortems.models import ActionItem

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen_now")]


@pytest.fixture
def items(make, editor, admin):
    today = timezone.now().date()
    checkout = make.service("Checkout")
    search = make.service("Search")
    one = make.incident("Checkout down", services=[checkout])
    two = make.incident("Search slow", services=[search])
    return {
        "orphan": make.action_item(one, "Orphan", owner=None, due=today + timedelta(days=5),
                                   priority=ActionItem.Priority.P0),
        "late": make.action_item(one, "Late", owner=editor, due=today - timedelta(days=2)),
        "bobs": make.action_item(two, "Ada's", owner=admin, due=today + timedelta(days=1),
                                 priority=ActionItem.Priority.P2),
        "done": make.action_item(two, "Done", owner=editor, due=date(2020, 1, 1),
                                 status=ActionItem.Status.DONE),
    }


def listed(response):
    return [item.text for item in response.context["page"]]


def test_it_needs_a_login(client):
    assert client.get("/actions/").status_code == 302
    assert client.get("/actions/export.csv").status_code == 302


def test_it_sorts_by_due_date_soonest_first_by_default(editor_client, items):
    assert listed(editor_client.get("/actions/")) == ["Done", "Late", "Ada's", "Orphan"]
    assert listed(editor_client.get("/actions/?sort=-due")) == ["Orphan", "Ada's", "Late", "Done"]


@pytest.mark.parametrize(("query", "expected"), [
    ("status=active", ["Late", "Ada's", "Orphan"]),
    ("status=done", ["Done"]),
    ("owner=mine", ["Done", "Late"]),
    ("priority=P0", ["Orphan"]),
    ("orphaned=on", ["Orphan"]),
    ("overdue=on", ["Late"]),
    ("service={search}", ["Done", "Ada's"]),
])
def test_each_filter(editor_client, items, make, query, expected):
    search = make.service("Search")
    assert listed(editor_client.get("/actions/?" + query.format(search=search.pk))) == expected


def test_it_counts_per_filter(editor_client, items):
    counts = editor_client.get("/actions/").context["counts"]
    assert (counts["all"], counts["active"], counts["mine"], counts["orphaned"],
            counts["overdue"], counts["done"], counts["P0"]) == (4, 3, 2, 1, 1, 1, 1)


def test_the_badges_give_the_reason(editor_client, items):
    content = editor_client.get("/actions/").content.decode()
    assert "Orphaned: no owner" in content
    assert "Overdue since" in content


def test_the_csv_export_has_the_columns_and_follows_the_filters(editor_client, items):
    response = editor_client.get("/actions/export.csv?status=active")
    assert response["Content-Type"].startswith("text/csv")
    assert response.streaming  # line by line: constant memory however many items
    rows = list(csv.reader(io.StringIO(response.getvalue().decode())))
    assert rows[0] == ["incident", "priority", "action", "owner", "due", "ticket", "status",
                       "orphaned", "orphan_reason", "overdue"]
    by_action = {row[2]: row for row in rows[1:]}
    assert set(by_action) == {"Late", "Ada's", "Orphan"}
    incident = items["orphan"].incident
    assert by_action["Orphan"] == [f"#{incident.pk} Checkout down", "P0", "Orphan", "",
                                   items["orphan"].due.isoformat(), "OPS-1", "open", "yes",
                                   "no owner", "no"]
    assert by_action["Late"][-1] == "yes"


def test_the_csv_defuses_formulas(editor_client, make, editor):
    make.action_item(make.incident(), "=HYPERLINK(\"http://x\")", owner=editor)
    rows = list(csv.reader(io.StringIO(
        editor_client.get("/actions/export.csv").getvalue().decode())))
    assert rows[1][2] == "'=HYPERLINK(\"http://x\")"


def test_ticket_keys_become_links_with_the_url_template(editor_client, items, settings):
    settings.TICKET_URL_TEMPLATE = "https://jira.example.com/browse/{key}"
    content = editor_client.get("/actions/").content.decode()
    assert '<a href="https://jira.example.com/browse/OPS-1" rel="noopener noreferrer">OPS-1</a>' \
        in content


def test_editing_an_item_fixes_the_orphan(editor_client, items, editor):
    orphan = items["orphan"]
    response = editor_client.post(f"/actions/{orphan.pk}/edit/?next=/actions/", {
        "action-priority": "P0", "action-text": "Orphan", "action-owner": editor.pk,
        "action-due": "2026-05-01", "action-ticket": "OPS-5", "action-status": "open"})
    assert response.status_code == 302
    assert response["Location"] == "/actions/"
    assert not ActionItem.objects.orphaned().exists()


def test_wont_do_needs_a_reason(editor_client, items):
    item = items["late"]
    response = editor_client.post(f"/actions/{item.pk}/edit/", {
        "action-priority": "P1", "action-text": "Late", "action-status": "wont_do"})
    assert response.status_code == 400
    assert "Say why this action item won" in response.content.decode()
    item.refresh_from_db()
    assert item.status == ActionItem.Status.OPEN


def test_the_csv_is_sent_in_chunks_of_lines_in_a_fixed_number_of_queries(
        editor_client, make, editor, monkeypatch, django_assert_num_queries):
    """A chunk is a number of whole lines (each chunk is compressed and flushed on its own):
    five items at two a chunk are three chunks after the header's, whatever the data size."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from postmortems.views import actions

    monkeypatch.setattr(actions, "CSV_ROWS_PER_CHUNK", 2)
    incident = make.incident()

    def export():
        response = editor_client.get("/actions/export.csv")
        return [chunk.decode() for chunk in response.streaming_content]

    make.action_item(incident, "first", owner=editor)
    with CaptureQueriesContext(connection) as one_item:
        export()
    for n in range(4):
        make.action_item(incident, f"item {n}", owner=editor)
    with django_assert_num_queries(len(one_item)):
        chunks = export()
    assert [chunk.count("\r\n") for chunk in chunks] == [3, 2, 1]  # header + 2, 2, 1
    assert all(chunk.endswith("\r\n") for chunk in chunks)


@pytest.mark.parametrize("query", [
    "", "status=active", "status=done", "owner=mine", "priority=P0", "priority=P1",
    "orphaned=on", "overdue=on", "sort=-due", "service={search}", "status=active&owner=mine",
    "status=bogus"])
def test_the_total_shown_is_the_number_of_items_listed(editor_client, items, make, query):
    """The list's total comes from the filter counts when its filter is one of them (one
    count query fewer over every item, issue 9), and is the same number either way."""
    search = make.service("Search")
    response = editor_client.get("/actions/?" + query.format(search=search.pk))
    assert response.status_code == 200
    assert response.context["filtered_total"] == len(listed(response))


def test_a_filter_that_was_counted_costs_no_count_query_of_its_own(
        editor_client, items, django_assert_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as two_filters:
        editor_client.get("/actions/?status=active&owner=mine")
    with django_assert_num_queries(len(two_filters) - 1):
        editor_client.get("/actions/?orphaned=on")
    with django_assert_num_queries(len(two_filters) - 1):
        editor_client.get("/actions/")


TRACKER_QUERIES = 4  # session, user, role, the counts with the page of items and the services
# (one batch)


@pytest.mark.parametrize("more_items", [0, 120])
@pytest.mark.parametrize("path", ["/actions/", "/actions/?orphaned=on", "/actions/?overdue=on"])
def test_the_tracker_reads_the_same_queries_whatever_the_number_of_items(
        editor_client, items, make, editor, path, more_items, django_assert_num_queries):
    incident = make.incident("Many actions")
    ActionItem.objects.bulk_create(
        ActionItem(incident=incident, text=f"Action {i}", owner=editor if i % 2 else None,
                   due=timezone.now().date() - timedelta(days=i % 3), ticket="OPS-9")
        for i in range(more_items))
    with django_assert_num_queries(TRACKER_QUERIES):
        response = editor_client.get(path)
    assert response.status_code == 200
    assert len(response.context["page"]) == (50 if more_items else 4 if path == "/actions/" else 1)


def test_what_people_typed_is_escaped_in_the_rows(editor_client, make, editor):
    """The rows are written in Python, not by the template engine: each typed text still
    reaches the page as text, never as markup."""
    from postmortems.models import ContributingFactor, Postmortem

    typed = '<script>alert("x")</script> & \'quotes\''
    incident = make.incident(typed)
    factor = ContributingFactor.objects.create(
        postmortem=Postmortem.objects.create(incident=incident), position=1, text=typed)
    make.action_item(incident, typed, owner=None, owner_name=typed, ticket=typed,
                     status=ActionItem.Status.WONT_DO, wont_do_reason=typed,
                     addresses_factor=factor)
    content = editor_client.get("/actions/").content.decode()
    assert "<script>alert" not in content
    escaped = "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &#x27;quotes&#x27;"
    table = content[content.index('data-testid="action-items"'):content.index("</table>")]
    # incident title, text, owner name, ticket, won't-do reason, factor, the Edit button's label
    assert table.count(escaped) == 7


def test_the_counts_sql_is_compiled_once_a_day(editor_client, make, editor, admin,
                                              time_machine):
    """The counts' SQL is made of nothing but the database and the day, the user given when
    it runs: it is compiled once a day, and a new day is a new statement, so "overdue" stays
    true and "mine" counts each user's own."""
    from postmortems.models.actions import filter_counts_sql

    incident = make.incident("Checkout down")
    tomorrow = timezone.now().date() + timedelta(days=1)
    make.action_item(incident, "due tomorrow", owner=editor, due=tomorrow)
    filter_counts_sql.cache_clear()

    assert ActionItem.objects.filter_counts(editor)["overdue"] == 0
    assert editor_client.get("/actions/").context["counts"]["mine"] == 1
    assert ActionItem.objects.filter_counts(admin)["mine"] == 0
    assert filter_counts_sql.cache_info().misses == 1  # compiled once, run for both users

    time_machine.move_to(timezone.now() + timedelta(days=2), tick=False)
    assert ActionItem.objects.filter_counts(editor)["overdue"] == 1
    assert filter_counts_sql.cache_info().misses == 2


def test_the_rows_flags_follow_the_day(editor_client, make, editor, time_machine):
    """The tracker's items are built once a day (table_items): the next day's page flags
    what has become overdue since."""
    tomorrow = timezone.now().date() + timedelta(days=1)
    make.action_item(make.incident("Checkout down"), "due tomorrow", owner=editor, due=tomorrow)
    assert not editor_client.get("/actions/").context["page"][0].is_overdue
    assert listed(editor_client.get("/actions/?overdue=on")) == []

    time_machine.move_to(timezone.now() + timedelta(days=2), tick=False)
    editor_client.force_login(editor)  # the session has ended meanwhile
    assert editor_client.get("/actions/").context["page"][0].is_overdue
    assert listed(editor_client.get("/actions/?overdue=on")) == ["due tomorrow"]


def test_the_pages_rows_render_as_the_items_would(editor_client, make, editor, owner,
                                                   django_user_model):
    """The tracker reads a page as plain rows (tracker_rows), not model objects: each row
    renders as the item itself (ActionItemQuerySet.for_table, as the incident page reads it)
    would, whatever its owner, ticket, cause and flags."""
    from django.template import Context

    from postmortems.models import ContributingFactor, Postmortem
    from postmortems.templatetags.action_items import action_rows
    from trackers.models import TicketLink, TrackerConnection

    gone = django_user_model.objects.create_user("gone", is_active=False)
    incident = make.incident("Checkout <down>", owner=owner)
    postmortem = Postmortem.objects.create(incident=incident)
    why = make.why(postmortem, position=2)
    factor = ContributingFactor.objects.create(postmortem=postmortem, position=1,
                                               text="A factor long enough to be shortened here")
    tracker = TrackerConnection.objects.create(name="t", kind="jira_cloud", project="OPS",
                                               base_url="https://jira.example.com")
    make.action_item(incident, "nobody's", due=None, ticket="")
    make.action_item(incident, "named", owner_name="Ann", addresses_why=why)
    make.action_item(incident, "gone's", owner=gone, due=timezone.now().date() - timedelta(1),
                     addresses_factor=factor)
    linked = make.action_item(incident, "linked", owner=editor, ticket="OPS-9",
                              status=ActionItem.Status.WONT_DO, wont_do_reason="Later")
    TicketLink.objects.create(item=linked, connection=tracker, state="closed", key="OPS-9",
                              url="https://jira.example.com/browse/OPS-9", reference="9",
                              last_error="down", synced_at=timezone.now())

    rows = list(editor_client.get("/actions/").context["page"])
    items = list(ActionItem.objects.for_table(with_incident=True).order_by("due", "priority",
                                                                           "pk"))
    assert [row.pk for row in rows] == [item.pk for item in items]

    def render(listed):
        return action_rows(Context({"csrf_token": "token"}), listed, "/actions/?a=b",
                           show_incident=True)

    assert render(rows) == render(items)
    assert "Why 2" in render(rows) and "not synced since" in render(rows)


def test_a_page_s_sql_is_compiled_once_per_filter(editor_client, make, editor, admin):
    """A page's statement is compiled once per filter: the page, the user ("mine") and the
    service are given when it runs, so each page, user and service still shows its own
    items."""
    from postmortems.models import Service
    from postmortems.views.actions import PAGE_SIZE, page_statement

    api, web = (Service.objects.create(name="api", slug="api"),
                Service.objects.create(name="web", slug="web"))
    on_api, on_web = make.incident("On api"), make.incident("On web")
    on_api.services.add(api)
    on_web.services.add(web)
    make.action_item(on_api, "api's", owner=editor, due=None)
    make.action_item(on_web, "web's", owner=admin, due=None)
    for day in range(PAGE_SIZE):
        make.action_item(on_web, f"early {day:02}", owner=admin, ticket="OPS-1",
                         due=date(2026, 1, 1) + timedelta(day))
    page_statement.cache_clear()

    assert listed(editor_client.get("/actions/"))[0] == "early 00"
    assert listed(editor_client.get("/actions/?page=2")) == ["api's", "web's"]
    assert page_statement.cache_info().misses == 1
    assert listed(editor_client.get("/actions/?orphaned=on")) == ["api's", "web's"]
    assert listed(editor_client.get("/actions/?owner=mine")) == ["api's"]
    editor_client.force_login(admin)
    assert listed(editor_client.get("/actions/?owner=mine&page=2")) == ["web's"]
    assert page_statement.cache_info().misses == 3
    assert listed(editor_client.get(f"/actions/?service={api.pk}")) == ["api's"]
    assert listed(editor_client.get(f"/actions/?service={web.pk}"))[-1] == "early 49"
    assert listed(editor_client.get(f"/actions/?service={web.pk}&page=2")) == ["web's"]
    assert page_statement.cache_info().misses == 4


def test_the_service_filter_offers_every_service_by_name_and_keeps_the_chosen(editor_client,
                                                                               make):
    """The services to filter by are read in the page's round trip, not as the field renders:
    each is offered by its name, in the order of names, the chosen one selected."""
    search, api = make.service("Search"), make.service("API")
    html = editor_client.get(f"/actions/?service={search.pk}").content.decode()
    assert (f'<option value="">Any</option>\n\n  <option value="{api.pk}">API</option>\n\n'
            f'  <option value="{search.pk}" selected>Search</option>') in html
