"""The incident list: filters, full-text search over titles, summaries and whys, pagination."""

from datetime import UTC, datetime, timedelta

import pytest

from postmortems.models import Incident, Postmortem
from tests.factories import T0

pytestmark = pytest.mark.django_db


def titles(response):
    return [incident.title for incident in response.context["page"]]


def test_it_needs_a_login(client):
    response = client.get("/incidents/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_it_refuses_post(editor_client):
    assert editor_client.post("/incidents/").status_code == 405


def test_it_lists_newest_first(editor_client, make):
    make.incident("old", started_at=T0 - timedelta(days=2))
    make.incident("new", started_at=T0)
    assert titles(editor_client.get("/incidents/")) == ["new", "old"]


def test_it_searches_titles_summaries_and_whys_with_stemming(editor_client, make):
    make.incident("Checkout outage")
    make.incident("Search slow", summary="Indexes were **rebuilding** at peak.")
    pm = make.postmortem(make.incident("Login errors"))
    make.why(pm, answer="The connection pools were exhausted by retries.")
    make.incident("Unrelated")
    assert titles(editor_client.get("/incidents/?q=checkout")) == ["Checkout outage"]
    assert titles(editor_client.get("/incidents/?q=rebuild")) == ["Search slow"]
    assert titles(editor_client.get("/incidents/?q=pool+exhausted")) == ["Login errors"]


def test_it_filters_by_severity_status_service_dates_and_postmortem_state(
        editor_client, make):
    checkout = make.service("Checkout")
    make.incident("sev1 open", severity=Incident.Severity.SEV1, services=[checkout])
    done = make.incident("sev1 published", severity=Incident.Severity.SEV1,
                         status=Incident.Status.RESOLVED, resolved_at=T0 + timedelta(hours=1),
                         started_at=T0)
    make.postmortem(done, state=Postmortem.State.PUBLISHED, published_at=T0)
    make.incident("sev4 last year", severity=Incident.Severity.SEV4,
                  started_at=T0 - timedelta(days=365))
    get = editor_client.get
    assert titles(get("/incidents/?severity=1&status=open")) == ["sev1 open"]
    assert titles(get(f"/incidents/?service={checkout.pk}")) == ["sev1 open"]
    assert titles(get("/incidents/?started_to=2025-12-31")) == ["sev4 last year"]
    assert set(titles(get("/incidents/?started_from=2026-01-01"))) == {
        "sev1 open", "sev1 published"}
    assert titles(get("/incidents/?postmortem=needed")) == ["sev1 open"]
    assert titles(get("/incidents/?postmortem=published")) == ["sev1 published"]
    assert set(titles(get("/incidents/?postmortem=none"))) == {"sev1 open", "sev4 last year"}


def test_it_paginates_by_25(editor_client, make):
    for i in range(30):
        make.incident(f"incident {i}", started_at=T0 - timedelta(minutes=i))
    first = editor_client.get("/incidents/")
    second = editor_client.get("/incidents/?page=2")
    assert len(titles(first)) == 25
    assert titles(second) == [f"incident {i}" for i in range(25, 30)]
    assert b"Page 1 of 2" in first.content
    assert b"Page 2 of 2" in second.content and b"30 incidents" in second.content


@pytest.mark.parametrize(("asked", "shown"), [("3", 2), ("0", 2), ("-1", 2), ("x", 1),
                                              ("2.0", 1), ("", 1)])
def test_a_page_past_the_last_or_not_a_number_is_the_last_or_the_first(
        editor_client, make, asked, shown):
    for i in range(30):
        make.incident(f"incident {i}", started_at=T0 - timedelta(minutes=i))
    response = editor_client.get(f"/incidents/?page={asked}")
    assert response.context["page"].number == shown
    assert len(titles(response)) == (25 if shown == 1 else 5)
    assert f"Page {shown} of 2".encode() in response.content


def test_no_match_is_an_empty_first_page(editor_client, make):
    make.incident("one")
    for url in ("/incidents/?severity=1", "/incidents/?severity=1&page=4"):
        response = editor_client.get(url)
        assert response.context["page"].number == 1
        assert b"No incidents match." in response.content and b"0 incidents" in response.content


def test_bad_filter_values_show_everything_instead_of_failing(editor_client, make):
    make.incident("one")
    response = editor_client.get("/incidents/?severity=x&started_from=yesterday&page=zz")
    assert response.status_code == 200
    assert titles(response) == ["one"]
    for service in ("999999", "abc"):
        response = editor_client.get(f"/incidents/?service={service}")
        assert titles(response) == ["one"]
        assert b"Select a valid choice. That choice is not one of the available choices." \
            in response.content


def test_the_date_range_takes_whole_utc_days(editor_client, make):
    for title, started in [("day before", datetime(2026, 2, 28, 23, 59, tzinfo=UTC)),
                           ("first minute", datetime(2026, 3, 1, 0, 0, tzinfo=UTC)),
                           ("last minute", datetime(2026, 3, 31, 23, 59, 59, tzinfo=UTC)),
                           ("day after", datetime(2026, 4, 1, 0, 0, tzinfo=UTC))]:
        make.incident(title, started_at=started, detected_at=started)
    response = editor_client.get("/incidents/?started_from=2026-03-01&started_to=2026-03-31")
    assert titles(response) == ["last minute", "first minute"]


def test_each_row_says_whether_it_has_orphaned_action_items(editor_client, make, editor,
                                                             django_user_model):
    orphaned = make.incident("orphaned", started_at=T0)
    make.action_item(orphaned, ticket="")
    tidy = make.incident("tidy", started_at=T0 - timedelta(hours=1))
    make.action_item(tidy, owner=editor)
    make.action_item(tidy, owner=editor, ticket="", status="done")
    left = make.incident("owner left", started_at=T0 - timedelta(hours=2))
    make.action_item(left, owner=django_user_model.objects.create(username="gone",
                                                                  is_active=False))
    rows = {incident.title: incident.has_orphans
            for incident in editor_client.get("/incidents/").context["page"]}
    assert rows == {"orphaned": True, "tidy": False, "owner left": True}


def test_a_row_shows_severity_status_start_services_postmortem_and_owner(editor_client, make,
                                                                         editor):
    """Each row as the page writes it: escaped, services sorted by name."""
    shown = make.incident('Checkout <b>"down"</b>', severity=Incident.Severity.SEV1,
                          status=Incident.Status.MITIGATED, owner=editor,
                          services=[make.service("Payments & co"), make.service("Checkout")])
    make.postmortem(shown, state=Postmortem.State.IN_REVIEW)
    make.incident("Nobody's", started_at=T0 - timedelta(days=1))
    html = editor_client.get("/incidents/").content.decode()
    assert "\n    ".join([
        "\n  <tr>",
        f'<td><a href="/incidents/{shown.pk}/">#{shown.pk} Checkout &lt;b&gt;&quot;down&quot;'
        "&lt;/b&gt;</a>\n      </td>",
        '<td><span class="badge sev-1" title="SEV1 – critical">SEV1 – critical</span></td>',  # noqa: RUF001
        "<td>Mitigated</td>",
        '<td class="text-nowrap">2026-03-04 10:00 UTC</td>',
        '<td><span class="badge text-bg-light border">Checkout</span> '
        '<span class="badge text-bg-light border">Payments &amp; co</span> </td>',
        "<td>In review</td>",
        f"<td>{editor.username}</td>\n  </tr>\n",
    ]) in html
    assert "\n    ".join([
        "<td>Open</td>", '<td class="text-nowrap">2026-03-03 10:00 UTC</td>', "<td></td>",
        '<td><span class="text-body-secondary">none</span></td>', "<td>—</td>\n  </tr>",
    ]) in html


LIST_PAGES = ["/incidents/", "/incidents/?page=2", "/incidents/?severity=2",
              "/incidents/?status=open", "/incidents/?service={service}",
              "/incidents/?started_from=2026-01-01&started_to=2026-12-31",
              "/incidents/?q=outage", "/incidents/?postmortem=needed",
              "/incidents/?postmortem=draft"]
# Session, user, the user's role, the service choices, the page's rows with their services
# and the count (the session is not saved again within its refresh interval). A service
# filter reads nothing more: the chosen service is one of the choices.
LIST_QUERIES = 5


@pytest.mark.parametrize("page", LIST_PAGES)
def test_the_list_costs_the_same_queries_at_two_sizes(editor_client, editor, make, page,
                                                      django_assert_num_queries):
    """A page out of 30 incidents, then out of 90 (each with a service, a draft postmortem and
    an orphaned action item, all matching every filter): the same fixed number of queries."""
    service = make.service("Checkout")

    def add(count):
        for i in range(count):
            incident = make.incident(f"Checkout outage {i}", severity=2, services=[service],
                                     started_at=T0 - timedelta(hours=i))
            make.postmortem(incident)
            make.action_item(incident, owner=editor, ticket="")

    url = page.format(service=service.pk)
    for added, total in ((30, 30), (60, 90)):
        add(added)
        with django_assert_num_queries(LIST_QUERIES):
            response = editor_client.get(url)
        assert response.context["page"].paginator.count == total
        shown = 25 if "page=" not in url else total - 25
        assert len(response.context["page"]) == min(25, shown)
