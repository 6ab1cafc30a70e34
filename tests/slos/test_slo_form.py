"""The SLO form: target rules, the PromQL check against the data source, and saving when
Prometheus is down."""

import pytest

from postmortems.models import EditConflict
from slos.models import SLO
from tests.factories import WORKLOAD_GOOD as GOOD
from tests.factories import WORKLOAD_TOTAL as TOTAL
from tests.factories import slo_form_data as form_data

pytestmark = pytest.mark.django_db

def test_it_requires_login(client):
    response = client.get("/slos/new/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_it_refuses_other_methods(editor_client):
    assert editor_client.put("/slos/new/").status_code == 405


def test_it_shows_the_downtime_preview(editor_client, offline_source):
    response = editor_client.get("/slos/new/")
    assert response.status_code == 200
    assert b'id="downtime-month"' in response.content
    assert b"/static/slos/slo_form." in response.content
    assert "99.9% → 43.2 min".encode() in response.content


def test_a_100_percent_target_is_refused_with_the_reason(editor_client, service, offline_source):
    response = editor_client.post("/slos/new/", form_data(service, offline_source, target="100"))
    assert response.status_code == 200
    assert "100% leaves no error budget" in response.content.decode()
    assert not SLO.objects.exists()


def test_a_target_above_99_99_is_saved_with_a_warning(editor_client, service, offline_source):
    response = editor_client.post("/slos/new/", form_data(service, offline_source,
                                                         target="99.995"), follow=True)
    assert str(SLO.objects.get().target) == "99.9950"
    assert "above 99.99%" in response.content.decode()


def test_it_saves_unchecked_when_prometheus_is_down(editor_client, service, offline_source):
    response = editor_client.post("/slos/new/", form_data(service, offline_source), follow=True)
    slo = SLO.objects.get()
    assert slo.query_check == SLO.QueryCheck.UNCHECKED
    assert "cannot connect" in slo.query_check_message
    assert "were not checked" in response.content.decode()


def test_a_literal_window_range_becomes_the_placeholder(editor_client, service, offline_source):
    editor_client.post("/slos/new/", form_data(
        service, offline_source, good_query=GOOD.replace("$window", "28d"),
        total_query=TOTAL.replace("$window", "28d")))
    slo = SLO.objects.get()
    assert slo.good_query == GOOD and slo.total_query == TOTAL


def test_an_expression_without_a_window_is_refused(editor_client, service, offline_source):
    response = editor_client.post("/slos/new/", form_data(
        service, offline_source, total_query='sum(rate(http_requests_total[5m]))'))
    assert "Write the range as [$window]" in response.content.decode()
    assert not SLO.objects.exists()


@pytest.mark.prometheus
@pytest.mark.xdist_group("prometheus")
def test_promql_is_checked_against_the_data_source(editor_client, service, prometheus,
                                                    make_source):
    source = make_source(prometheus.url)
    response = editor_client.post("/slos/new/", form_data(service, source))
    slo = SLO.objects.get()
    assert response.status_code == 302
    assert slo.query_check == SLO.QueryCheck.OK
    assert slo.query_checked_at is not None


@pytest.mark.prometheus
@pytest.mark.xdist_group("prometheus")
def test_promql_prometheus_refuses_is_refused_with_what_it_answered(editor_client, service,
                                                                    prometheus, make_source):
    """It parses, but Prometheus cannot evaluate it (many-to-many matching)."""
    source = make_source(prometheus.url)
    response = editor_client.post("/slos/new/", form_data(
        service, source, good_query="sum(rate(http_requests_total[$window])) "
                                    "+ on() rate(http_requests_total[$window])"))
    text = response.content.decode()
    assert response.status_code == 200
    assert "Prometheus refused it: good events: HTTP 422 from Prometheus" in text
    assert not SLO.objects.exists()


def test_editing_keeps_the_slug(editor_client, service, offline_source, make_slo):
    slo = make_slo(offline_source)
    editor_client.post(f"/slos/{slo.pk}/edit/", form_data(service, offline_source,
                                                         name="Renamed", target="99.5"))
    slo.refresh_from_db()
    assert slo.name == "Renamed" and slo.slug == "checkout-availability"


def test_a_stale_form_gets_the_conflict_page_and_keeps_what_was_typed(
        editor_client, admin_client, service, offline_source, make_slo):
    slo = make_slo(offline_source, name="Checkout availability")
    url = f"/slos/{slo.pk}/edit/"
    first = admin_client.post(url, form_data(service, offline_source, target="99.5", version=1))
    assert first.status_code == 302
    stale = editor_client.post(url, form_data(service, offline_source, target="99", version=1))
    assert stale.status_code == 409
    page = stale.content.decode()
    assert "Your edit was based on version 1; version 2 was saved meanwhile" in page
    assert EditConflict.objects.get().attempted["target"] == "99"
    slo.refresh_from_db()
    assert str(slo.target) == "99.5000" and slo.version == 2


def test_the_form_carries_the_version_it_was_based_on(editor_client, offline_source, make_slo):
    slo = make_slo(offline_source)
    page = editor_client.get(f"/slos/{slo.pk}/edit/").content.decode()
    assert 'name="version" value="1"' in page
