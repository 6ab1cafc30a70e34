"""The dashboard and the SLO page show the figures of the latest poll, the stale flag, the
policy in words, the burn-down chart, in a number of queries independent of the rows."""

from datetime import timedelta

import pytest
from django.utils import timezone

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen_now")]


def test_the_dashboard_requires_login(client):
    assert client.get("/slos/").status_code == 302


def test_the_dashboard_refuses_post(editor_client):
    assert editor_client.post("/slos/").status_code == 405


def test_the_dashboard_shows_each_slo_figures(editor_client, offline_source, make_slo,
                                              record_poll):
    slo = make_slo(offline_source, target="99.9")
    record_poll(slo, error_ratio=0.0005)
    text = editor_client.get("/slos/").content.decode()
    assert "Availability" in text
    assert "99.950%" in text  # SLI
    assert "50.0%" in text  # budget remaining
    assert "met" in text
    assert "Postpone risky changes" in text


def test_the_dashboard_query_count_does_not_grow_with_slos(editor_client, offline_source,
                                                            make_slo, record_poll,
                                                            django_assert_num_queries):
    for i in range(3):
        record_poll(make_slo(offline_source, name=f"SLO {i}"), error_ratio=0.0001)
    # session, user, the user's role, then how many SLOs (the pages) and the page of SLOs with
    # their latest snapshot in one round trip
    with django_assert_num_queries(4):
        editor_client.get("/slos/")
    for i in range(3, 8):
        record_poll(make_slo(offline_source, name=f"SLO {i}"), error_ratio=0.0001)
    with django_assert_num_queries(4):
        editor_client.get("/slos/")
    # Past the last page: the last page, read in a round trip of its own.
    with django_assert_num_queries(5):
        past = editor_client.get("/slos/?page=9").context
    assert past["page"].number == 1 and len(past["rows"]) == 8


def test_the_dashboard_escapes_names_and_errors(editor_client, offline_source, make_slo,
                                                record_poll):
    from postmortems.models import Service

    service = Service.objects.create(slug="odd", name="Odd <b>service</b>")
    slo = make_slo(offline_source, name="<script>alert(1)</script>", service_=service)
    record_poll(slo, status="error", fault="refused", error="<img src=x onerror=alert(2)>")
    text = editor_client.get("/slos/").content.decode()
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in text and "<script>alert(1)" not in text
    assert "Odd &lt;b&gt;service&lt;/b&gt;" in text
    assert "&lt;img src=x onerror=alert(2)&gt;" in text and "<img src=x" not in text


def test_a_failed_poll_shows_stale_with_the_last_good_time(editor_client, offline_source,
                                                           make_slo, record_poll):
    slo = make_slo(offline_source)
    good = record_poll(slo, error_ratio=0.0002, at=timezone.now() - timedelta(minutes=5))
    record_poll(slo, status="error", fault="refused", error="cannot connect to prometheus")
    text = editor_client.get(f"/slos/{slo.pk}/").content.decode()
    assert "stale" in text
    assert f"Last good poll: {good.taken_at:%Y-%m-%d %H:%M:%S} UTC" in text
    assert "cannot connect to prometheus" in text
    assert "99.980%" not in text  # no figure is made up from the old poll


def test_the_slo_page_shows_burn_rates_thresholds_and_policy(editor_client, offline_source,
                                                             make_slo, record_poll):
    slo = make_slo(offline_source, target="99.9", window="30d")
    ratios = {"5m": 0.02, "30m": 0.01, "1h": 0.0152, "6h": 0.002, "3d": 0.0004}
    record_poll(slo, error_ratio=0.0004, ratios=ratios)
    text = editor_client.get(f"/slos/{slo.pk}/").content.decode()
    times = "\N{MULTIPLICATION SIGN}"
    assert f"15.20{times}" in text  # 1h burn
    assert f"fast page 14.4{times}" in text and f"slow page 6{times}" in text
    assert f"fast ticket 3{times}" in text and f"slow ticket 1{times}" in text
    assert "Normal velocity" in text
    assert "may ship" in text
    assert "~28 h at the current burn rate" in text  # 0.6 x 30d / 15.2 = 28.4 h
    assert "<svg" in text


def test_the_slo_page_draws_the_burn_down_from_hourly_points(editor_client, offline_source,
                                                             make_slo, record_poll,
                                                             django_assert_max_num_queries):
    slo = make_slo(offline_source)
    now = timezone.now()
    for hours in range(48, 0, -1):
        record_poll(slo, error_ratio=0.0001 * hours / 10, at=now - timedelta(hours=hours))
    with django_assert_max_num_queries(8):
        response = editor_client.get(f"/slos/{slo.pk}/")
    path = response.context["chart"].path
    assert path.startswith("M") and path.count("L") == 47


def test_the_slo_page_query_count_does_not_grow_with_history(editor_client, offline_source,
                                                             make_slo, record_poll, service,
                                                             django_assert_num_queries):
    from postmortems.models import Incident
    from slos.models import IncidentImpact

    slo = make_slo(offline_source)
    now = timezone.now()

    def add_history(start_hours):
        for hours in range(start_hours, start_hours + 24, 2):
            record_poll(slo, error_ratio=0.0001, at=now - timedelta(hours=hours))
        incident = Incident.objects.create(
            title=f"Outage {start_hours}", started_at=now - timedelta(hours=start_hours + 1),
            resolved_at=now - timedelta(hours=start_hours), status="resolved")
        IncidentImpact.objects.create(slo=slo, incident=incident, budget_consumed=0.01,
                                      status="ok")

    add_history(100)
    # session, user, the user's role, then in one round trip the SLO with its latest snapshot
    # and its incidents (with the hourly points once this process knows its window: the
    # first read of an SLO reads them in a round trip of their own, slos.panel)
    with django_assert_num_queries(5):
        editor_client.get(f"/slos/{slo.pk}/")
    add_history(10)
    add_history(50)
    with django_assert_num_queries(4):
        response = editor_client.get(f"/slos/{slo.pk}/")
    assert len(response.context["incidents"]) == 3


def test_a_changed_window_draws_the_chart_from_its_own_start(editor_client, offline_source,
                                                             make_slo, record_poll):
    """The page reads the points from the start of the window it last read for the SLO;
    when the window changed since, it reads them again from the right start."""
    from slos.models import SLO

    slo = make_slo(offline_source)
    now = timezone.now()
    for days in (20, 10, 5, 1):
        record_poll(slo, error_ratio=0.0001, at=now - timedelta(days=days))
    assert editor_client.get(f"/slos/{slo.pk}/").context["chart"].points == 4
    assert editor_client.get(f"/slos/{slo.pk}/").context["chart"].points == 4
    SLO.objects.filter(pk=slo.pk).update(window="7d")
    response = editor_client.get(f"/slos/{slo.pk}/")
    assert response.context["chart"].points == 2
    assert response.context["window_start"] == timezone.now() - timedelta(days=7)
    SLO.objects.filter(pk=slo.pk).update(window="28d")
    assert editor_client.get(f"/slos/{slo.pk}/").context["chart"].points == 4
