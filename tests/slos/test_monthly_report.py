"""Finding 9: the monthly compliance report, per SLO and for all SLOs, as a page and CSV,
measured over calendar months on a real Prometheus holding a known history, stored, bounded in
queries, and honest about months beyond Prometheus's retention."""

import csv
import io
import json
from datetime import datetime, timedelta

import pytest
import redis
import time_machine
from django.conf import settings

from slos import impacts, periods, report, tasks
from slos.models import MonthlyResult, QueuedMonth
from tests import factories
from tests.slos.calendar_history import GOOD, NOW, OCTOBER_SPIKE, TOTAL, UTC

pytestmark = [pytest.mark.django_db, pytest.mark.prometheus]

OCTOBER = periods.month(2026, 10)


@pytest.fixture
def calendar_source(calendar_prometheus, make_source):
    return make_source(calendar_prometheus[0], name="calendar")


@pytest.fixture
def at_now():
    with time_machine.travel(NOW, tick=False):
        yield NOW


def slo_on(make_slo, source, name="Checkout", window="28d", target="99.9"):
    return make_slo(source, name=name, good=GOOD, total=TOTAL, window=window, target=target)


def october_figures(history):
    bad, total = history.events(OCTOBER.start, OCTOBER.end)
    return bad, total, 1 - bad / total


def test_a_past_month_matches_the_known_history(calendar_prometheus, calendar_source, make_slo):
    _url, history = calendar_prometheus
    slo = slo_on(make_slo, calendar_source)
    stats = {}
    (row,), queued = report.rows([slo], OCTOBER, NOW, stats=stats)

    bad, total, sli = october_figures(history)
    result = row.result
    assert not queued and result.status == "ok", result.error
    assert result.sli == pytest.approx(sli, abs=1e-3)
    assert result.total_events == pytest.approx(total, rel=1e-3)
    assert result.bad_events == pytest.approx(bad, rel=1e-3)
    assert result.allowed_bad_events == pytest.approx(0.001 * total, rel=1e-3)
    assert result.budget_used == pytest.approx(bad / (0.001 * total), abs=1e-3)
    assert result.met is True and result.final
    # One retention read and two queries; the stored month is never asked again.
    assert stats["queries"] == 3
    (again,), _ = report.rows([slo], OCTOBER, NOW + timedelta(days=40), stats=stats)
    assert stats["queries"] == 0 and again.result.measured_at == result.measured_at


def test_a_missed_month_and_the_current_one(calendar_prometheus, calendar_source, make_slo):
    _url, history = calendar_prometheus
    strict = slo_on(make_slo, calendar_source, name="Strict", target="99.99")
    (row,), _ = report.rows([strict], OCTOBER, NOW)
    assert row.result.met is False and row.result.budget_used > 1

    november = periods.month(2026, 11)
    (current,), _ = report.rows([strict], november, NOW)
    assert not current.result.final
    # Up to now: the history ends at 12 November 00:00, the query stands at 06:00.
    assert current.result.sli == pytest.approx(
        history.sli(november.start, datetime(2026, 11, 12, tzinfo=UTC)), abs=1e-3)


def test_a_month_before_the_retention_is_not_measured(calendar_prometheus, calendar_source,
                                                      make_slo):
    slo = slo_on(make_slo, calendar_source)
    # 60 days before 12 November is 13 September: Prometheus holds 25-30 September, but a
    # figure over six days of the month would be wrong.
    (row,), _ = report.rows([slo], periods.month(2026, 9), NOW)
    assert row.result.status == MonthlyResult.Status.OUTSIDE_RETENTION
    assert row.result.sli is None and row.result.met is None
    calendar_source.refresh_from_db()
    assert calendar_source.retention_seconds == 60 * 86400


def test_measuring_is_bounded_per_request(calendar_source, make_slo):
    slos = [slo_on(make_slo, calendar_source, name=f"SLO {i}") for i in range(3)]
    stats = {}
    rows, queued = report.rows(slos, OCTOBER, NOW, limit=2, stats=stats)
    assert [r.result is None for r in rows] == [False, False, True]
    assert queued == [slos[2]] and stats["queries"] == 1 + 2 * 2
    assert report.measure_month(OCTOBER, NOW) == 1  # the worker measures the rest
    assert MonthlyResult.objects.filter(month="2026-10-01", final=True).count() == 3


def test_incidents_of_the_month_with_their_share(calendar_prometheus, calendar_source,
                                                 make_slo):
    _url, history = calendar_prometheus
    slo = slo_on(make_slo, calendar_source, window="monthly")
    incident = factories.incident(title="Checkout errors", started_at=OCTOBER_SPIKE[0],
                                  resolved_at=OCTOBER_SPIKE[1])
    impacts.set_slos(incident, [slo])
    impacts.measure_pending()
    (row,), _ = report.rows([slo], OCTOBER, NOW)
    ((impact, share),) = row.shares
    _bad, total, _sli = october_figures(history)
    spike_bad, _ = history.events(*OCTOBER_SPIKE)
    assert impact.incident == incident
    assert share == pytest.approx(spike_bad / (0.001 * total), rel=1e-3)
    (november,), _ = report.rows([slo], periods.month(2026, 11), NOW)
    assert november.incidents == []


def test_the_report_page(client, viewer, calendar_source, make_slo, at_now):
    slo_on(make_slo, calendar_source, name="Checkout")
    slo_on(make_slo, calendar_source, name="Strict", target="99.99")
    client.force_login(viewer)
    page = client.get("/slos/report/?month=2026-10").content.decode()
    assert "SLO compliance · October 2026" in page
    assert page.count('data-verdict="met"') == 1 and page.count('data-verdict="missed"') == 1
    assert "<strong>1 of 2</strong> measured SLOs met the target in October 2026" in page
    assert 'href="?month=2026-09"' in page and 'href="?month=2026-11"' in page
    assert 'type="month"' in page and 'value="2026-10"' in page
    assert "/slos/report.csv?month=2026-10" in page

    september = client.get("/slos/report/?month=2026-09").content.decode()
    assert "not measured (outside Prometheus retention)" in september
    november = client.get("/slos/report/").content.decode()
    assert "November 2026" in november and "day 12 of 30" in november
    assert 'rel="next"' not in november  # no month after the current one


def test_the_report_page_shows_one_page_of_slos_and_sums_up_every_slo(
        client, viewer, calendar_source, make_slo, at_now, monkeypatch):
    monkeypatch.setattr(report, "PAGE_SIZE", 2)
    slo_on(make_slo, calendar_source, name="A")
    slo_on(make_slo, calendar_source, name="B", target="99.99")  # missed in October
    slo_on(make_slo, calendar_source, name="C")
    report.measure_month(OCTOBER, NOW)
    client.force_login(viewer)
    first = client.get("/slos/report/?month=2026-10").content.decode()
    assert [row.slo.name for row in client.get("/slos/report/?month=2026-10").context["rows"]] \
        == ["A", "B"]
    assert "<strong>2 of 3</strong> measured SLOs met the target in October 2026" in first
    assert "Page 1 of 2" in first and 'href="?month=2026-10&page=2"' in first
    second = client.get("/slos/report/?month=2026-10&page=2")
    assert [row.slo.name for row in second.context["rows"]] == ["C"]
    assert "<strong>2 of 3</strong>" in second.content.decode()


def test_a_read_of_the_report_measures_only_slos_of_its_page(
        client, viewer, calendar_source, make_slo, at_now, monkeypatch):
    monkeypatch.setattr(report, "PAGE_SIZE", 2)
    for name in ("A", "B", "C"):
        slo_on(make_slo, calendar_source, name=name)
    client.force_login(viewer)
    page = client.get("/slos/report/?month=2026-10").content.decode()
    assert sorted(MonthlyResult.objects.values_list("slo__name", flat=True)) == ["A", "B"]
    assert "<strong>2 of 2</strong> measured SLOs met" in page
    assert "1 more being measured" in page


def jobs_in_the_broker(queue):
    """The tasks waiting in this test worker's queue on the real broker, taken off it."""
    client = redis.Redis.from_url(settings.CELERY_BROKER_URL)
    waiting = [json.loads(message) for message in client.lrange(queue, 0, -1)]
    client.delete(queue)
    return [(job["headers"]["task"], job["headers"]["argsrepr"]) for job in waiting]


def test_a_month_job_is_queued_once_while_it_is_pending(
        client, viewer, calendar_source, make_slo, at_now, monkeypatch,
        celery_queue_per_test_worker):
    monkeypatch.setattr(report, "PAGE_SIZE", 2)
    for name in ("A", "B", "C"):
        slo_on(make_slo, calendar_source, name=name)
    client.force_login(viewer)
    jobs_in_the_broker(celery_queue_per_test_worker)  # other tests' leftovers
    for _read in range(3):
        page = client.get("/slos/report/?month=2026-10").content.decode()
        assert "1 more being measured" in page  # C, on the next page
    assert jobs_in_the_broker(celery_queue_per_test_worker) == [
        ("slos.measure_month", "['2026-10']")]

    # The job runs: C measured, the month's job done; the next read queues nothing.
    assert tasks.measure_month.apply(args=["2026-10"]).get() == {"measured": 1}
    assert not QueuedMonth.objects.exists()
    assert "being measured" not in client.get("/slos/report/?month=2026-10").content.decode()
    assert jobs_in_the_broker(celery_queue_per_test_worker) == []


def test_a_month_job_lost_is_queued_again(client, viewer, calendar_source, make_slo, at_now,
                                          monkeypatch, celery_queue_per_test_worker):
    monkeypatch.setattr(report, "PAGE_SIZE", 1)
    for name in ("A", "B"):
        slo_on(make_slo, calendar_source, name=name)
    client.force_login(viewer)
    jobs_in_the_broker(celery_queue_per_test_worker)
    client.get("/slos/report/?month=2026-10")
    client.get("/slos/report/?month=2026-09")  # another month: a job of its own
    with time_machine.travel(NOW + QueuedMonth.LOST_AFTER - timedelta(seconds=1), tick=False):
        client.get("/slos/report/?month=2026-10")  # still pending
    assert len(jobs_in_the_broker(celery_queue_per_test_worker)) == 2
    with time_machine.travel(NOW + QueuedMonth.LOST_AFTER + timedelta(seconds=1), tick=False):
        client.get("/slos/report/?month=2026-10")  # never ran (the worker was lost)
    assert jobs_in_the_broker(celery_queue_per_test_worker) == [
        ("slos.measure_month", "['2026-10']")]


def test_a_job_queued_while_one_runs_stays_due(calendar_source, make_slo):
    """A job marks done only the jobs queued before it started: one queued since then may be
    for SLOs it did not see."""
    october = periods.as_date(OCTOBER)
    assert QueuedMonth.objects.claim(october, NOW)
    assert not QueuedMonth.objects.claim(october, NOW + timedelta(minutes=1))
    QueuedMonth.objects.finished(october, started_at=NOW - timedelta(seconds=1))
    assert not QueuedMonth.objects.claim(october, NOW + timedelta(minutes=2))
    QueuedMonth.objects.finished(october, started_at=NOW)
    assert QueuedMonth.objects.claim(october, NOW + timedelta(minutes=3))


def test_the_page_reads_stored_months_in_a_fixed_number_of_queries(
        client, viewer, calendar_source, make_slo, at_now):
    client.force_login(viewer)
    counts = []
    for n in (2, 6):
        while len(list(calendar_source.slos.all())) < n:
            slo_on(make_slo, calendar_source, name=f"SLO {calendar_source.slos.count()}")
        client.get("/slos/report/?month=2026-10")  # measures and stores
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as queries:
            assert client.get("/slos/report/?month=2026-10").status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1]


@pytest.mark.parametrize("month, message", [
    ("2026-13", "&#x27;2026-13&#x27; is not a month like 2026-11"),
    ("soon", "is not a month like 2026-11"),
    ("2027-01", "January 2027 has not begun"),
])
def test_a_bad_month_is_refused_with_a_reason(client, viewer, calendar_source, make_slo,
                                             at_now, month, message):
    client.force_login(viewer)
    response = client.get(f"/slos/report/?month={month}")
    assert response.status_code == 400
    assert message in response.content.decode()
    assert client.get(f"/slos/report.csv?month={month}").status_code == 400


def test_the_csv(client, viewer, calendar_prometheus, calendar_source, make_slo, at_now):
    _url, history = calendar_prometheus
    slo = slo_on(make_slo, calendar_source, name="=Checkout")
    client.force_login(viewer)
    response = client.get("/slos/report.csv?month=2026-10")
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert 'filename="slo-report-2026-10.csv"' in response["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert rows[0] == ["month", "service", "slo", "slo_id", "window", "target_percent",
                       "status", "sli_percent", "met", "budget_used_percent", "bad_events",
                       "allowed_bad_events", "total_events", "incidents", "measured_at"]
    line = dict(zip(rows[0], rows[1], strict=True))
    bad, total, sli = october_figures(history)
    assert line["month"] == "2026-10" and line["slo"] == "'=Checkout"  # not a formula
    assert line["slo_id"] == str(slo.pk) and line["target_percent"] == "99.9"
    assert line["status"] == "Measured" and line["met"] == "yes"
    assert float(line["sli_percent"]) == pytest.approx(sli * 100, abs=1e-3)
    assert float(line["bad_events"]) == pytest.approx(bad, rel=1e-3)
    assert float(line["allowed_bad_events"]) == pytest.approx(total * 0.001, rel=1e-3)
    assert float(line["budget_used_percent"]) == pytest.approx(bad / total / 0.001 * 100,
                                                               abs=0.1)


def test_one_slos_months(client, viewer, calendar_source, make_slo, at_now):
    slo = slo_on(make_slo, calendar_source)
    client.force_login(viewer)
    page = client.get(f"/slos/{slo.pk}/report/").content.decode()
    assert page.count("<tr>") == 1 + report.MONTHS_PER_SLO
    assert 'href="/slos/report/?month=2026-10"' in page
    assert page.index("November 2026") < page.index("October 2026")
    assert "not measured (outside Prometheus retention)" in page  # September and before
    assert page.count('data-verdict="met"') >= 1


def test_a_data_source_that_is_down_is_asked_once_per_request(offline_source, make_slo):
    slos = [slo_on(make_slo, offline_source, name=f"SLO {i}") for i in range(5)]
    stats = {}
    rows, queued = report.rows(slos, OCTOBER, NOW, stats=stats)
    assert stats["queries"] == 1 and not queued  # the retention read, refused
    assert {row.result.status for row in rows} == {MonthlyResult.Status.ERROR}
    assert "cannot talk to" in rows[4].result.error
    months = report.months_of(slos[0], NOW)
    assert len(months) == report.MONTHS_PER_SLO
    assert {row.result.status for row in months} == {MonthlyResult.Status.ERROR}


def test_the_command_measures_stores_and_prints_a_month(calendar_source, make_slo, at_now,
                                                        capsys):
    from django.core.management import CommandError, call_command

    slo_on(make_slo, calendar_source)
    call_command("slo_report", "--month", "2026-10")
    lines = list(csv.reader(io.StringIO(capsys.readouterr().out)))
    assert lines[0] == report.CSV_COLUMNS and lines[1][:2] == ["2026-10", "checkout"]
    assert lines[1][6] == "Measured" and lines[1][8] == "yes"
    assert MonthlyResult.objects.get().final
    call_command("slo_report")  # the month that just ended: October, on 12 November
    assert MonthlyResult.objects.count() == 1
    for month, message in (("2027-01", "January 2027 has not begun"),
                           ("someday", "is not a month like 2026-11")):
        with pytest.raises(CommandError, match=message):
            call_command("slo_report", "--month", month)
