"""Finding 6: the SLO definition template imports without a service (service: key, then the
import option, then the name's prefix, else "unassigned", always said) and round-trips; Sloth
prometheus/v1 specs import all or nothing into rules with Sloth's windows and factors."""

import subprocess

import pytest
import yaml
from django.core.management import CommandError, call_command

from postmortems.models import Service
from slos import definitions, rules
from slos.formats import sloth
from slos.models import SLO
from tests.slos.servers import promtool_binary

pytestmark = pytest.mark.django_db

TEMPLATE = """
slos:
  - name: Checkout availability
    description: Successful checkout requests
    target: 99.9
    window: 28d
    sli:
      good: sum(rate(http_requests_total{job="checkout",status!~"5.."}[28d]))
      total: sum(rate(http_requests_total{job="checkout"}[28d]))
    alerts:
      fast_burn: {burn_rate: 13.44, short_window: 5m, long_window: 1h, severity: critical}
  - name: Search latency
    target: 99
    window: 7d
    sli:
      good: sum(rate(http_request_duration_seconds_bucket{job="search",le="0.250"}[7d]))
      total: sum(rate(http_request_duration_seconds_count{job="search"}[7d]))
"""

SLOTH = """
version: "prometheus/v1"
service: "checkout"
labels:
  owner: "payments-team"
slos:
  - name: "requests-availability"
    objective: 99.9
    description: "Common SLO based on availability for HTTP request responses."
    labels:
      category: availability
    sli:
      events:
        error_query: >-
          sum(rate(http_request_duration_seconds_count{job="checkout",code=~"(5..|429)"}[{{.window}}]))
        total_query: sum(rate(http_request_duration_seconds_count{job="checkout"}[{{.window}}]))
    alerting:
      name: CheckoutHighErrorRate
      labels:
        category: "availability"
      annotations:
        runbook: "https://runbooks.example.com/checkout-errors"
      page_alert:
        labels:
          severity: pageteam
      ticket_alert:
        labels:
          severity: "slack"
"""


def test_the_template_imports_without_a_service_and_says_where_each_went(service,
                                                                          offline_source,
                                                                          tmp_path, capsys):
    path = tmp_path / "slos.yml"
    path.write_text(TEMPLATE)
    call_command("import_slos", str(path))
    out = capsys.readouterr().out

    assert "imported checkout-availability into service checkout (the prefix of its name " \
           "(checkout))" in out
    assert 'imported unassigned-search-latency into service unassigned (no service: key, ' \
           'import option or name prefix, so "unassigned")' in out
    assert Service.objects.get(slug="unassigned").slos.get().name == "Search latency"


def test_the_import_option_comes_before_the_name(service, offline_source, tmp_path, capsys):
    other = Service.objects.create(name="Storefront", slug="storefront")
    path = tmp_path / "slos.yml"
    path.write_text(TEMPLATE)
    call_command("import_slos", str(path), "--service", "storefront")
    assert set(other.slos.values_list("name", flat=True)) == {"Checkout availability",
                                                              "Search latency"}
    assert "(the service chosen for the import)" in capsys.readouterr().out


def test_template_round_trip(service, offline_source):
    imported = definitions.import_text(TEMPLATE)
    exported = definitions.export(SLO.objects.select_related("service").order_by("name"))
    SLO.objects.all().delete()
    again = definitions.import_text(exported)

    def shape(slos):
        return sorted((s.name, s.service.slug, float(s.target), s.window, s.good_query,
                       s.total_query, s.burn_factors()["fast_burn"], s.fast_severity)
                      for s in slos)

    assert shape(again) == shape(imported)
    assert definitions.export(SLO.objects.select_related("service").order_by("name")) \
        == exported


def test_a_sloth_spec_means_the_same_windows_and_factors(service, offline_source, tmp_path):
    (slo,) = sloth.import_text(SLOTH)

    assert slo.service == service and slo.window == "30d" and float(slo.target) == 99.9
    assert slo.good_query.startswith("(sum(rate(http_request_duration_seconds_count{job=")
    assert "[$window]" in slo.good_query and "{{.window}}" not in slo.total_query
    assert slo.alert_labels == {"owner": "payments-team", "category": "availability"}
    assert slo.runbook_url == "https://runbooks.example.com/checkout-errors"
    (group,) = rules.generate([slo])["groups"]
    burn = {rule["alert"]: (rule["expr"], rule["labels"]["severity"])
            for rule in group["rules"] if rule.get("alert", "").endswith("Burn")}
    # Sloth's page alert: 1h/5m at 14.4x and 6h/30m at 6x; its ticket alert: 1d/2h at 3x
    # and 3d/6h at 1x.
    assert len(burn) == 4
    for alert, long, short, factor, severity in (
            ("SLOFastBurn", "1h", "5m", 14.4, "pageteam"),
            ("SLOSlowBurn", "6h", "30m", 6, "pageteam"),
            ("SLOFastTicketBurn", "1d", "2h", 3, "slack"),
            ("SLOTicketBurn", "3d", "6h", 1, "slack")):
        expr, got_severity = burn[alert]
        threshold = rules.number(factor * 0.001)
        assert f"ratio_rate{long}{{" in expr and f"ratio_rate{short}{{" in expr
        assert expr.count(f"> {threshold}") == 2, (alert, expr)
        assert got_severity == severity
    (tmp_path / "rules.yml").write_text(rules.to_yaml([slo]))
    checked = subprocess.run([promtool_binary(), "check", "rules", "rules.yml"], cwd=tmp_path,
                             capture_output=True, text=True, timeout=60)
    assert checked.returncode == 0, checked.stdout + checked.stderr


def test_a_sloth_spec_is_refused_whole_with_the_document_and_field(service, offline_source,
                                                                   tmp_path):
    spec = yaml.safe_load(SLOTH)
    spec["slos"].append({"name": "raw-ratio", "objective": 99,
                         "sli": {"raw": {"error_ratio_query": "x"}}})
    path = tmp_path / "sloth.yml"
    path.write_text(yaml.safe_dump(spec))
    with pytest.raises(CommandError) as refused:
        call_command("import_slos", str(path), "--format", "sloth")
    assert "Sloth spec slos[1] (raw-ratio).sli.raw: only sli.events (error_query and " \
           "total_query) can be imported" in str(refused.value)
    assert not SLO.objects.exists()
    with pytest.raises(definitions.ImportRefused) as wrong:
        sloth.import_text('version: "openslo/v1"\nslos: []\n')
    assert wrong.value.errors == ['Sloth spec version: a Sloth spec says version: '
                                  '"prometheus/v1"']


EXPORTED = """slos:
- name: Checkout availability
  service: checkout
  description: Successful checkout requests
  kind: availability
  target: 99.9
  window: 28d
  sli:
    good: sum(rate(http_requests_total{job="checkout",status!~"5.."}[$window]))
    total: sum(rate(http_requests_total{job="checkout"}[$window]))
  alerts:
    fast_burn:
      burn_rate: 20.0
      short_window: 5m
      long_window: 1h
      severity: page
    slow_burn:
      burn_rate: 5.6
      short_window: 30m
      long_window: 6h
      severity: warning
    fast_ticket:
      burn_rate: 2.8
      short_window: 2h
      long_window: 1d
      severity: slack
    ticket:
      burn_rate: 0.933333
      short_window: 6h
      long_window: 3d
      severity: ticket
    budget_exhausted:
      severity: slack
    no_data:
      severity: info
  min_events: 500
  runbook_url: https://runbooks.example.com/checkout
  labels:
    team: payments
    tier: '1'
"""


def test_every_field_the_template_imports_is_exported_back_the_same(service, offline_source):
    (slo,) = definitions.import_text(EXPORTED)

    assert (slo.min_events, slo.runbook_url, slo.alert_labels) == (
        500, "https://runbooks.example.com/checkout", {"team": "payments", "tier": "1"})
    assert (slo.fast_severity, slo.fast_ticket_severity, slo.exhausted_severity,
            slo.no_data_severity) == ("page", "slack", "slack", "info")
    assert definitions.export(SLO.objects.select_related("service")) == EXPORTED


def test_template_fields_out_of_range_are_refused_by_name(service, offline_source):
    entry = yaml.safe_load(EXPORTED)
    entry["slos"][0]["min_events"] = -1
    entry["slos"][0]["alerts"]["no_data"]["burn_rate"] = 2
    with pytest.raises(definitions.ImportRefused) as refused:
        definitions.import_text(yaml.safe_dump(entry))
    assert refused.value.errors == [
        "slos[0] (Checkout availability).alerts.no_data.burn_rate: unknown field: only "
        "severity is set for this alert",
        "slos[0] (Checkout availability).min_events: a whole number of events from 0 to "
        "2,147,483,647"]
    assert not SLO.objects.exists()
