"""Finding 3: a figure says how much of its window it covers. A 7d SLO on a Prometheus that
keeps 4 days is flagged and shows "measured over 4.x of 7 days"; a new SLO with minutes of
history says so too; an SLO whose data covers the window says nothing."""

import time

import pytest

from slos import coverage, poller
from slos.models import SLO, DataSource
from tests.slos.backfilled import backfilled_prometheus, counters
from tests.slos.history import HISTORY_GOOD, HISTORY_TOTAL

pytestmark = [pytest.mark.prometheus, pytest.mark.xdist_group("prometheus"),
              pytest.mark.django_db]

STEP = 300


def eight_days_of_history(end):
    """0.8% errors from 8 to 4 days ago, 0.1% in the last 4 days (1,000 requests a step)."""
    good = bad = 0
    rows = []
    for i in range(8 * 86400 // STEP):
        t = end - (8 * 86400 // STEP - 1 - i) * STEP
        errors = 8 if end - t > 4 * 86400 else 1
        good, bad = good + 1000 - errors, bad + errors
        rows.append((t, good, bad))
    return counters("short_requests_total", rows)


@pytest.fixture(scope="module")
def four_day_prometheus(tmp_path_factory):
    folder = tmp_path_factory.mktemp("short-retention")
    history = eight_days_of_history(time.time() // STEP * STEP)
    with backfilled_prometheus(folder, history, retention="4d") as url:
        yield url


def test_retention_is_read_as_prometheus_prints_it():
    assert coverage.retention_seconds("15d") == 15 * 86400
    assert coverage.retention_seconds("8w4d") == 60 * 86400
    assert coverage.retention_seconds("4d or 10GiB") == 4 * 86400
    assert coverage.retention_seconds("10GiB") is None


def test_a_window_longer_than_retention_is_flagged_with_what_it_covers(
        four_day_prometheus, make_source, make_slo, editor_client):
    source = make_source(four_day_prometheus)
    slo = make_slo(source, name="Seven days", window="7d", target="99",
                   good='sum(increase(short_requests_total{code!~"5.."}[$window]))',
                   total="sum(increase(short_requests_total[$window]))")

    (snapshot,) = poller.poll([slo])

    slo = SLO.objects.for_panels().get(pk=slo.pk)
    assert DataSource.objects.get(pk=source.pk).retention_seconds == 4 * 86400
    figures = slo.figures()["coverage"]
    assert figures["window_exceeds_retention"] is True
    assert figures["complete"] is False
    assert 3.9 < figures["covered_days"] < 5.1
    # The figure itself is what the kept days say (about 0.1% errors, not the 0.4% of the
    # true 7 days): that is why the panel must say what it covers.
    assert 1 - snapshot.sli < 0.003
    page = editor_client.get(slo.get_absolute_url()).content.decode()
    assert f"measured over {figures['covered_days']:.1f} of 7 days" in page
    assert "The 7-day window is longer than the data source keeps data (4 days)" in page
    api = editor_client.get(f"/api/slos/{slo.pk}/").json()
    assert api["coverage"]["window_exceeds_retention"] is True
    assert api["coverage"]["covered_days"] == pytest.approx(figures["covered_days"], abs=0.01)


def test_a_new_slo_says_it_covers_minutes_of_its_window(prometheus, make_source, make_slo,
                                                        editor_client):
    slo = make_slo(make_source(prometheus.url), name="Live", window="28d")

    poller.poll([slo])

    slo = SLO.objects.for_panels().get(pk=slo.pk)
    figures = slo.figures()["coverage"]
    assert figures["complete"] is False and figures["window_exceeds_retention"] is False
    assert figures["covered_seconds"] < 3600
    assert "measured over 0.0 of 28 days" in editor_client.get(slo.get_absolute_url()) \
        .content.decode()


def test_a_covered_window_says_nothing_and_is_not_re_read(prometheus, make_source, make_slo,
                                                          editor_client):
    slo = make_slo(make_source(prometheus.url), name="History", good=HISTORY_GOOD,
                   total=HISTORY_TOTAL, window="28d")

    poller.poll([slo])

    slo = SLO.objects.for_panels().get(pk=slo.pk)
    assert slo.figures()["coverage"]["complete"] is True
    assert "measured over" not in editor_client.get(slo.get_absolute_url()).content.decode()
    assert coverage.due([slo], slo.coverage_checked_at + coverage.RECHECK * 2) == []


def test_coverage_is_read_at_once_and_written_in_a_fixed_number_of_queries(
        prometheus, make_source, make_slo, django_assert_num_queries):
    """SLOs sharing an all-events query and window share one oldest-sample query; however
    many are due, the answers go to the database in one update (plus one per data source for
    its retention)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    source = make_source(prometheus.url)
    now = timezone.now()
    first = make_slo(source, name="Live 0", window="28d")
    with CaptureQueriesContext(connection) as one:
        assert coverage.refresh([first], now) == [first]
    slos = [make_slo(source, name=f"Live {n}", window="28d") for n in range(1, 6)]
    slos.append(make_slo(source, name="Other window", window="7d"))
    with django_assert_num_queries(len(one)):
        assert len(coverage.refresh(slos, now)) == len(slos)
    assert not SLO.objects.filter(pk__in=[s.pk for s in slos],
                                  coverage_checked_at__isnull=True).exists()
    assert SLO.objects.get(pk=slos[0].pk).data_since is not None
