"""Every list of the API is paged (issue 9): at most API_MAX_PAGE_SIZE (500) results a page
whatever page_size asks, /api/v1/ and /api/slos/ alike, with count and the next page; the SLO
list's queries do not grow with the SLOs."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from api.urls import router
from postmortems.models import Service
from tests import factories

pytestmark = pytest.mark.django_db

LISTS = sorted(f"/api/v1/{prefix}/" for prefix, _viewset, _basename in router.registry)


@pytest.mark.parametrize("url", LISTS)
def test_every_list_is_paged_and_capped(api, viewer, url):
    response = api(viewer).get(url, {"page_size": 100_000})
    assert response.status_code == 200
    assert set(response.json()) == {"count", "next", "previous", "results"}


def test_page_size_is_capped_by_the_one_api_setting(api, viewer, service, settings,
                                                   offline_source):
    assert settings.API_MAX_PAGE_SIZE == 500  # what /api/slos/ allowed before there was one
    settings.API_MAX_PAGE_SIZE = 7
    for number in range(8):
        Service.objects.create(name=f"Service {number}", slug=f"service-{number}")
        factories.slo(offline_source, name=f"SLO {number}")
    client = api(viewer)
    services = client.get("/api/v1/services/", {"page_size": 100_000}).json()
    assert services["count"] == 9 and len(services["results"]) == 7 and services["next"]
    slos = client.get("/api/v1/slos/", {"page_size": 8}).json()
    assert slos["count"] == 8 and len(slos["results"]) == 7 and slos["next"]
    figures = client.get("/api/slos/", {"page_size": 100_000}).json()
    assert figures["count"] == 8 and len(figures["slos"]) == 7 and figures["next"]
    assert len(client.get("/api/v1/services/", {"page_size": 3}).json()["results"]) == 3


def _queries(client, url):
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_the_slo_list_queries_do_not_grow_with_the_slos(api, viewer, offline_source, make_slo,
                                                       record_poll):
    client = api(viewer)
    record_poll(make_slo(offline_source, name="First"), error_ratio=0.0005)
    few = _queries(client, "/api/v1/slos/")
    for number in range(10):
        record_poll(make_slo(offline_source, name=f"SLO {number}"), error_ratio=0.0005)
    assert _queries(client, "/api/v1/slos/") == few


@pytest.mark.parametrize("model, index", [
    ("TimelineEntry", "postmortems_timeline_order"),
    ("Why", "postmortems_why_order"),
    ("ContributingFactor", "postmortems_factor_order"),
    ("Meeting", "postmortems_meeting_order"),
])
def test_a_page_of_every_part_is_read_in_its_order_through_an_index(model, index):
    """/api/v1/timeline-entries/ (whys, factors, meetings) of every incident: a page is read
    from the index of the default order, not a sort of every row; the trash rule does not
    join each row to its postmortem (the count reads one table too)."""
    from django.apps import apps

    rows = apps.get_model("postmortems", model).objects.all()
    assert "JOIN" not in str(rows.query) and "JOIN" not in str(rows.values("pk").query)
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")  # a test table is a page or two
        cursor.execute("SET LOCAL enable_sort = off")
    assert index in rows[:50].explain()


def test_the_lists_of_parts_cost_the_same_for_one_or_three_postmortems(api, viewer, make):
    client = api(viewer)

    def add():
        postmortem = make.postmortem(make.incident())
        for minute in range(3):
            make.timeline_entry(postmortem, text=f"Step {minute}")
        make.why(postmortem)

    add()
    few = {url: _queries(client, url) for url in ("/api/v1/timeline-entries/",
                                                   "/api/v1/whys/")}
    add(), add()
    assert {url: _queries(client, url) for url in few} == few
