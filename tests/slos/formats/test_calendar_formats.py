"""Finding 9 in the file formats: the definition template says ``window: monthly`` (and reads
``calendar: month`` as the same), OpenSLO's calendar ``timeWindow`` imports and exports (round
trip identical), and a Sloth spec asking for a calendar window is refused with the reason."""

import pytest
import yaml

from slos import definitions
from slos.formats import openslo, sloth
from slos.models import SLO

pytestmark = pytest.mark.django_db

TEMPLATE = """
slos:
  - name: Checkout availability
    service: checkout
    target: 99.9
    window: monthly
    sli:
      good: sum(rate(http_requests_total{job="checkout",status!~"5.."}[$window]))
      total: sum(rate(http_requests_total{job="checkout"}[$window]))
  - name: Search availability
    service: checkout
    target: 99.5
    calendar: week
    sli:
      good: sum(rate(http_requests_total{job="search",status!~"5.."}[$window]))
      total: sum(rate(http_requests_total{job="search"}[$window]))
"""

OPENSLO = """
apiVersion: openslo/v1
kind: SLO
metadata:
  name: checkout-monthly
  displayName: Checkout monthly
spec:
  service: checkout
  indicator:
    metadata: {name: checkout-errors}
    spec:
      ratioMetric:
        counter: true
        bad:
          metricSource:
            type: Prometheus
            spec: {query: 'sum(rate(http_requests_total{job="checkout",code=~"5.."}[{{.window}}]))'}
        total:
          metricSource:
            type: Prometheus
            spec: {query: 'sum(rate(http_requests_total{job="checkout"}[{{.window}}]))'}
  timeWindow:
    - duration: 1M
      isRolling: false
      calendar:
        startTime: 2026-03-01 00:00:00
        timeZone: UTC
  budgetingMethod: Occurrences
  objectives:
    - target: 0.999
"""


def test_the_template_reads_both_spellings_and_exports_window_monthly(service, offline_source):
    monthly, weekly = sorted(definitions.import_text(TEMPLATE), key=lambda s: s.name)
    assert (monthly.window, weekly.window) == ("monthly", "weekly")
    assert monthly.is_calendar and monthly.window_kind == "calendar"
    exported = definitions.export(SLO.objects.select_related("service").order_by("name"))
    windows = [entry["window"] for entry in yaml.safe_load(exported)["slos"]]
    assert windows == ["monthly", "weekly"]
    SLO.objects.all().delete()
    definitions.import_text(exported)
    assert definitions.export(SLO.objects.select_related("service").order_by("name")) \
        == exported


@pytest.mark.parametrize("change, message", [
    ("calendar: fortnight", "slos[1] (Search availability).calendar: 'fortnight' is not a "
                            "calendar period: use month or week"),
    ("window: 7d\n    calendar: week", "calendar: says week but window says 7d"),
    ("window: 1M", "window: Value '1M' is not a valid choice."),
])
def test_a_calendar_the_template_cannot_mean_is_refused(service, offline_source, change,
                                                        message):
    with pytest.raises(definitions.ImportRefused) as refused:
        definitions.import_text(TEMPLATE.replace("calendar: week", change))
    assert any(message in error for error in refused.value.errors), refused.value.errors
    assert not SLO.objects.exists()


def test_a_calendar_slo_needs_a_target_its_period_can_hold(service, offline_source):
    text = TEMPLATE.replace("target: 99.5", "target: 99.999")
    with pytest.raises(definitions.ImportRefused) as refused:
        definitions.import_text(text)
    assert "slos[1] (Search availability).target: A 99.999% target leaves under a minute of " \
           "errors a week" in refused.value.errors[0]


def test_openslo_calendar_window_imports_and_round_trips(service, offline_source):
    (slo,) = openslo.import_text(OPENSLO)
    assert slo.window == "monthly" and float(slo.target) == 99.9
    exported = openslo.export(SLO.objects.select_related("service"))
    spec = list(yaml.safe_load_all(exported))[1]["spec"]
    assert spec["timeWindow"] == [{"duration": "1M", "isRolling": False, "calendar": {
        "startTime": "2026-01-01 00:00:00", "timeZone": "UTC"}}]
    SLO.objects.all().delete()
    openslo.import_text(exported)
    assert openslo.export(SLO.objects.select_related("service")) == exported

    weekly = OPENSLO.replace("duration: 1M", "duration: 1w").replace(
        "startTime: 2026-03-01 00:00:00", "startTime: 2026-11-02T00:00:00Z").replace(
        "      isRolling: false\n", "")  # omitted with a calendar: false
    SLO.objects.all().delete()
    (slo,) = openslo.import_text(weekly)
    assert slo.window == "weekly"
    exported = openslo.export(SLO.objects.select_related("service"))
    assert "startTime: '2024-01-01 00:00:00'" in exported  # a Monday
    SLO.objects.all().delete()
    openslo.import_text(exported)
    assert openslo.export(SLO.objects.select_related("service")) == exported


@pytest.mark.parametrize("old, new, message", [
    ("timeZone: UTC", "timeZone: Europe/Paris",
     "calendar.timeZone: only UTC calendars are supported"),
    ("startTime: 2026-03-01 00:00:00", "startTime: 2026-03-02 00:00:00",
     "calendar.startTime: 2026-03-02 00:00:00 does not begin a month (the 1st, 00:00)"),
    ("duration: 1M", "duration: 1Y", "duration: a calendar window of '1Y' is not supported"),
    ("isRolling: false", "isRolling: true",
     "isRolling: a window with a calendar must say isRolling: false"),
    ("startTime: 2026-03-01 00:00:00", "startTime: soon",
     "calendar.startTime: a time like 2026-01-01 00:00:00 is required"),
])
def test_an_openslo_calendar_this_app_cannot_follow_is_refused(service, offline_source, old,
                                                               new, message):
    with pytest.raises(definitions.ImportRefused) as refused:
        openslo.import_text(OPENSLO.replace(old, new))
    assert any("OpenSLO document 1 (SLO checkout-monthly).spec.timeWindow[0]." in e
               and message in e for e in refused.value.errors), refused.value.errors
    assert not SLO.objects.exists()


def test_a_sloth_spec_asking_for_a_calendar_window_is_refused(service, offline_source):
    spec = """
version: "prometheus/v1"
service: "checkout"
slos:
  - name: "requests-availability"
    objective: 99.9
    time_window: monthly
    sli:
      events:
        error_query: sum(rate(http_requests_total{code=~"5.."}[{{.window}}]))
        total_query: sum(rate(http_requests_total[{{.window}}]))
"""
    with pytest.raises(definitions.ImportRefused) as refused:
        sloth.import_text(spec)
    assert refused.value.errors == [
        "Sloth spec slos[0] (requests-availability).time_window: Sloth has no calendar (or "
        "other) windows: its SLOs are over a rolling 30 days. For a monthly or weekly SLO "
        "import OpenSLO with a calendar timeWindow (duration: 1M, isRolling: false), or change "
        "the window after import"]
    assert not SLO.objects.exists()
