"""The SLO dashboard and /api/slos/ answer one page at a time: a thousand SLOs never make a
megabyte page. The API keeps its shape ({"slos": [...]}) and adds count, next and previous."""

import pytest

from slos.views.api import API_PAGE_SIZE
from slos.views.pages import DASHBOARD_PAGE_SIZE

pytestmark = pytest.mark.django_db


@pytest.fixture
def many_slos(offline_source, service):
    from slos.models import SLO

    def make(count, prefix="SLO"):
        return SLO.objects.bulk_create(
            SLO(service=service, data_source=offline_source, name=f"{prefix} {i:03d}",
                slug=f"{prefix.lower()}-{i:03d}", target="99.9", window="28d",
                good_query='sum(rate(x{code!~"5.."}[$window]))',
                total_query="sum(rate(x[$window]))") for i in range(count))
    return make


def test_the_dashboard_shows_one_page_with_a_link_to_the_next(editor_client, many_slos):
    many_slos(DASHBOARD_PAGE_SIZE + 3)
    first = editor_client.get("/slos/")
    assert len(first.context["rows"]) == DASHBOARD_PAGE_SIZE
    text = first.content.decode()
    assert "SLO 000" in text and f"SLO {DASHBOARD_PAGE_SIZE:03d}" not in text
    assert "Page 1 of 2" in text and 'href="?page=2"' in text
    second = editor_client.get("/slos/?page=2")
    assert [slo.name for slo, _ in second.context["rows"]] == [
        f"SLO {i:03d}" for i in range(DASHBOARD_PAGE_SIZE, DASHBOARD_PAGE_SIZE + 3)]


def test_a_bad_dashboard_page_number_shows_a_page_not_an_error(editor_client, many_slos):
    many_slos(3)
    assert editor_client.get("/slos/?page=nope").status_code == 200
    assert editor_client.get("/slos/?page=99").status_code == 200


def test_the_api_pages_with_count_next_and_previous(editor_client, many_slos):
    many_slos(API_PAGE_SIZE + 1)
    first = editor_client.get("/api/slos/").json()
    assert first["count"] == API_PAGE_SIZE + 1
    assert len(first["slos"]) == API_PAGE_SIZE and first["previous"] is None
    assert first["next"] == "http://testserver/api/slos/?page=2"
    second = editor_client.get(first["next"]).json()
    assert [item["name"] for item in second["slos"]] == [f"SLO {API_PAGE_SIZE:03d}"]
    assert second["next"] is None and second["previous"] == "http://testserver/api/slos/?page=1"


def test_the_api_answers_gzipped_json_to_clients_that_accept_it(editor_client, many_slos):
    import gzip
    import json

    many_slos(20)
    response = editor_client.get("/api/slos/", HTTP_ACCEPT_ENCODING="gzip")
    assert response["Content-Encoding"] == "gzip"
    assert json.loads(gzip.decompress(response.content))["count"] == 20


def test_the_api_page_size_is_chosen_within_bounds(editor_client, many_slos):
    many_slos(5)
    body = editor_client.get("/api/slos/?page_size=2&page=3").json()
    assert [item["name"] for item in body["slos"]] == ["SLO 004"]
    assert body["previous"] == "http://testserver/api/slos/?page_size=2&page=2"
    assert len(editor_client.get("/api/slos/?page_size=0").json()["slos"]) == 1


@pytest.mark.parametrize(("query", "status"), [("page=x", 400), ("page_size=many", 400),
                                                ("page=7", 404)])
def test_bad_api_page_parameters_are_refused_with_a_reason(editor_client, many_slos, query,
                                                           status):
    many_slos(3)
    response = editor_client.get(f"/api/slos/?{query}")
    assert response.status_code == status
    assert "page" in response.json()["error"]


def test_the_api_query_count_does_not_grow_with_slos(editor_client, many_slos,
                                                     django_assert_num_queries):
    many_slos(3)
    # session, user, then in one round trip how many SLOs, one page of SLOs with their latest
    # snapshot and their incidents' budget shares (the session is not saved again within its
    # refresh interval)
    with django_assert_num_queries(3):
        editor_client.get("/api/slos/")
    many_slos(120, prefix="More")
    with django_assert_num_queries(3):
        editor_client.get("/api/slos/?page_size=500")


def test_an_api_page_holds_the_incident_shares_of_its_own_slos(editor_client, many_slos):
    from django.utils import timezone

    from postmortems.models import Incident
    from slos.models import IncidentImpact

    slos = many_slos(3)
    incident = Incident.objects.create(title="Outage", started_at=timezone.now(),
                                       resolved_at=timezone.now(), status="resolved")
    for slo, share in zip(slos, (0.1, 0.2, 0.3), strict=True):
        IncidentImpact.objects.create(slo=slo, incident=incident, budget_consumed=share,
                                      status="ok")
    body = editor_client.get("/api/slos/?page_size=1&page=2").json()
    assert body["count"] == 3
    assert [(item["name"], [share["budget_consumed"] for share in item["incidents"]])
            for item in body["slos"]] == [("SLO 001", [0.2])]


def test_the_lists_read_each_row_in_their_one_query_whatever_its_state(
        editor_client, many_slos, offline_source, make_slo, record_poll, service,
        django_assert_num_queries):
    """The lists read only the columns a row shows (SLOQuerySet.for_lists): a row in any
    state (measured, failed, calendar, with incidents) reads nothing more."""
    from datetime import timedelta

    from django.utils import timezone

    from postmortems.models import Incident
    from slos.models import SLO, IncidentImpact

    many_slos(3)
    record_poll(make_slo(offline_source, name="Measured"), error_ratio=0.0004)
    failed = make_slo(offline_source, name="Failed")
    record_poll(failed, error_ratio=0.0001, at=timezone.now() - timedelta(minutes=30))
    record_poll(failed, status="error", fault="refused", error="cannot connect")
    calendar = make_slo(offline_source, name="Monthly", window="monthly")
    SLO.objects.filter(pk=calendar.pk).update(data_since=timezone.now() - timedelta(days=2))
    record_poll(calendar, error_ratio=0.0002)
    incident = Incident.objects.create(title="Outage", started_at=timezone.now(),
                                       resolved_at=timezone.now(), status="resolved")
    IncidentImpact.objects.create(slo=calendar, incident=incident, budget_consumed=0.1,
                                  bad_events=12, status="ok")
    # session, user, the user's role, then how many SLOs and the page of SLOs in one round trip
    with django_assert_num_queries(4):
        text = editor_client.get("/slos/").content.decode()
    assert "cannot connect" in text and "measured over 2.0 of" in text
    # session, user, then how many SLOs, the page of SLOs and their incidents' budget shares
    # in one round trip
    with django_assert_num_queries(3):
        body = editor_client.get("/api/slos/").json()
    assert [share["title"] for item in body["slos"] for share in item["incidents"]] == ["Outage"]
