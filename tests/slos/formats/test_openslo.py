"""Finding 6: OpenSLO v1 files import all or nothing (Service, SLI, SLO, AlertPolicy;
good/total or bad/total; the range as {{.window}}, a literal, or none) and export back to the
same meaning: OpenSLO -> app -> OpenSLO."""

import pytest
import yaml
from django.core.management import CommandError, call_command

from slos import definitions
from slos.formats import openslo
from slos.models import SLO

pytestmark = pytest.mark.django_db

OPENSLO = """
apiVersion: openslo/v1
kind: Service
metadata:
  name: checkout
  displayName: Checkout
spec:
  description: The checkout API
---
apiVersion: openslo/v1
kind: SLI
metadata:
  name: checkout-errors
spec:
  ratioMetric:
    counter: true
    bad:
      metricSource:
        type: Prometheus
        spec:
          query: sum(rate(http_requests_total{job="checkout",status=~"5.."}[{{.window}}]))
    total:
      metricSource:
        type: Prometheus
        spec:
          query: sum(rate(http_requests_total{job="checkout"}[{{.window}}]))
---
apiVersion: openslo/v1
kind: AlertPolicy
metadata:
  name: checkout-burn
spec:
  conditions:
    - kind: AlertCondition
      metadata: {name: fast}
      spec:
        severity: page
        condition: {kind: burnrate, op: gte, threshold: 14.4, lookbackWindow: 1h, alertAfter: 5m}
    - kind: AlertCondition
      metadata: {name: ticket}
      spec:
        severity: ticket
        condition: {kind: burnrate, op: gte, threshold: 1, lookbackWindow: 3d, alertAfter: 6h}
---
apiVersion: openslo/v1
kind: SLO
metadata:
  name: checkout-availability
  displayName: Checkout availability
spec:
  service: checkout
  indicatorRef: checkout-errors
  timeWindow:
    - duration: 30d
      isRolling: true
  budgetingMethod: Occurrences
  objectives:
    - target: 0.999
  alertPolicies: [checkout-burn]
---
apiVersion: openslo/v1
kind: SLO
metadata:
  name: checkout-latency
spec:
  service: checkout
  indicator:
    metadata: {name: checkout-fast}
    spec:
      ratioMetric:
        counter: true
        good:
          metricSource:
            type: Prometheus
            spec: {query: 'http_request_duration_seconds_bucket{job="checkout",le="0.25"}'}
        total:
          metricSource:
            type: Prometheus
            spec: {query: 'sum(rate(http_request_duration_seconds_count{job="checkout"}[7d]))'}
  timeWindow:
    - duration: 7d
      isRolling: true
  objectives:
    - targetPercent: 99
"""


def test_an_openslo_file_imports_with_its_indicator_and_alert_policy(service, offline_source):
    availability, latency = sorted(openslo.import_text(OPENSLO), key=lambda s: s.name)

    assert availability.name == "Checkout availability" and availability.service == service
    assert float(availability.target) == 99.9 and availability.window == "30d"
    assert availability.total_query == \
        'sum(rate(http_requests_total{job="checkout"}[$window]))'
    assert availability.good_query == (
        '(sum(rate(http_requests_total{job="checkout"}[$window]))) - '
        '(sum(rate(http_requests_total{job="checkout",status=~"5.."}[$window])))')
    assert availability.burn_factors()["fast_burn"] == 14.4
    assert availability.fast_severity == "page" and availability.ticket_severity == "ticket"
    # no range: a counter selector; a literal range: read as the window
    assert latency.good_query == \
        'sum(increase(http_request_duration_seconds_bucket{job="checkout",le="0.25"}[$window]))'
    assert latency.total_query == \
        'sum(rate(http_request_duration_seconds_count{job="checkout"}[$window]))'
    assert float(latency.target) == 99 and latency.window == "7d"


def test_openslo_round_trip(service, offline_source):
    openslo.import_text(OPENSLO)
    exported = openslo.export(SLO.objects.select_related("service").order_by("name"))
    SLO.objects.all().delete()
    openslo.import_text(exported)
    again = openslo.export(SLO.objects.select_related("service").order_by("name"))

    assert again == exported
    documents = list(yaml.safe_load_all(exported))
    assert [d["kind"] for d in documents] == ["Service", "SLO", "SLO"]
    slo = documents[1]["spec"]
    assert slo["objectives"] == [{"displayName": "Checkout availability", "target": 0.999}]
    assert slo["timeWindow"] == [{"duration": "30d", "isRolling": True}]
    assert "[{{.window}}]" in slo["indicator"]["spec"]["ratioMetric"]["total"][
        "metricSource"]["spec"]["query"]
    fast = slo["alertPolicies"][0]["spec"]["conditions"][0]["spec"]
    assert fast == {"severity": "page", "condition": {
        "kind": "burnrate", "op": "gte", "threshold": 14.4, "lookbackWindow": "1h",
        "alertAfter": "5m"}}


def test_an_openslo_file_is_refused_whole_naming_document_and_field(service, offline_source,
                                                                    tmp_path):
    text = OPENSLO.replace("""    - duration: 7d
      isRolling: true""", """    - duration: 1Q
      calendar: {startTime: "2026-01-01 00:00:00", timeZone: UTC}""")
    path = tmp_path / "openslo.yml"
    path.write_text(text)
    with pytest.raises(CommandError) as refused:
        call_command("import_slos", str(path), "--format", "openslo")
    assert "OpenSLO document 5 (SLO checkout-latency).spec.timeWindow[0].duration: a calendar " \
           "window of '1Q' is not supported; use 1M (the month) or 1w (the ISO week)" \
           in str(refused.value)
    assert not SLO.objects.exists()
    with pytest.raises(definitions.ImportRefused) as typo:
        openslo.import_text(OPENSLO.replace("indicatorRef: checkout-errors",
                                            "indicatorRef: checkout-error"))
    assert "OpenSLO document 4 (SLO checkout-availability).spec.indicatorRef: no SLI named " \
           "'checkout-error'" in typo.value.errors


def test_export_slos_writes_openslo(service, offline_source, capsys):
    openslo.import_text(OPENSLO)
    call_command("export_slos", "--format", "openslo")
    kinds = [d["kind"] for d in yaml.safe_load_all(capsys.readouterr().out)]
    assert kinds == ["Service", "SLO", "SLO"]
