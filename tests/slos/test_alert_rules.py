"""The generated alerts fire when they should, checked with `promtool test rules` on series
burning the budget at a known rate (no Prometheus server needed)."""

import re
import subprocess

import pytest
import yaml

from slos import rules
from tests.slos.servers import promtool_binary

pytestmark = pytest.mark.django_db


def alert(group, name):
    return next(rule for rule in group["rules"] if rule.get("alert") == name)


QUERY_TEMPLATE = re.compile(r"\{\{ with query .*?\{\{ end \}\}")


def rendered(text, *values):
    """An annotation as Prometheus renders it: each query template replaced by its value."""
    values = iter(values)
    return QUERY_TEMPLATE.sub(lambda _match: next(values), text)


def expected(group, name, *values):
    """The alert as it fires; ``values``: what its description's queries print (the burn
    rate, then the budget left)."""
    rule = alert(group, name)
    annotations = dict(rule["annotations"])
    annotations["description"] = rendered(annotations["description"], *values)
    return {"exp_labels": rule["labels"], "exp_annotations": annotations}


def run_promtool(tmp_path, slo, error_per_minute, checks, errors=None):
    """``errors``: the error counter's values in promtool's notation, instead of a steady
    ``error_per_minute`` (of 1,000 requests a minute either way)."""
    (tmp_path / "rules.yml").write_text(rules.to_yaml([slo]))
    job = 'job="workload"'
    (tmp_path / "test.yml").write_text(yaml.safe_dump({
        "rule_files": ["rules.yml"],
        "evaluation_interval": "1m",
        "tests": [{
            "interval": "1m",
            "input_series": [
                {"series": f'http_requests_total{{{job},status="200"}}',
                 "values": f"0+{1000 - error_per_minute}x600"},
                {"series": f'http_requests_total{{{job},status="500"}}',
                 "values": errors or f"0+{error_per_minute}x600"},
            ],
            "alert_rule_test": checks,
        }],
    }))
    return subprocess.run([promtool_binary(), "test", "rules", "test.yml"], cwd=tmp_path,
                          capture_output=True, text=True, timeout=60)


def test_a_fast_burn_pages_within_minutes(tmp_path, offline_source, make_slo):
    slo = make_slo(offline_source, target="99.9", window="30d")
    (group,) = rules.generate([slo])["groups"]
    # 2% errors: 20x the budget, above the 14.4x fast-burn threshold.
    result = run_promtool(tmp_path, slo, 20, [
        {"eval_time": "10m", "alertname": "SLOFastBurn",
         "exp_alerts": [expected(group, "SLOFastBurn", "20.0", "-1900%")]},
        {"eval_time": "10m", "alertname": "SLOSlowBurn", "exp_alerts": []},  # for: 15m
        {"eval_time": "20m", "alertname": "SLOSlowBurn",
         "exp_alerts": [expected(group, "SLOSlowBurn", "20.0", "-1900%")]},
        {"eval_time": "20m", "alertname": "SLOErrorBudgetExhausted",
         "exp_alerts": [expected(group, "SLOErrorBudgetExhausted", "-1900%")]},
    ])
    assert result.returncode == 0, result.stdout + result.stderr


def test_a_burn_below_the_thresholds_stays_quiet(tmp_path, offline_source, make_slo):
    slo = make_slo(offline_source, target="99", window="30d")
    # 0.5% errors against a 1% budget: burn 0.5, below every threshold.
    result = run_promtool(tmp_path, slo, 5, [
        {"eval_time": f"{minutes}m", "alertname": name, "exp_alerts": []}
        for minutes in (10, 90, 300)
        for name in ("SLOFastBurn", "SLOSlowBurn", "SLOFastTicketBurn", "SLOTicketBurn",
                     "SLOErrorBudgetExhausted")
    ])
    assert result.returncode == 0, result.stdout + result.stderr


def test_a_day_long_burn_opens_a_ticket_over_1d_and_2h(tmp_path, offline_source, make_slo):
    slo = make_slo(offline_source, target="99.9", window="30d")
    (group,) = rules.generate([slo])["groups"]
    # 0.4% errors: 4x the budget, above Sloth's 3x over 1d and 2h, below both pages.
    result = run_promtool(tmp_path, slo, 4, [
        {"eval_time": "40m", "alertname": "SLOFastTicketBurn",
         "exp_alerts": [expected(group, "SLOFastTicketBurn", "4.0", "-300%")]},
        {"eval_time": "40m", "alertname": "SLOTicketBurn", "exp_alerts": []},  # for: 1h
        {"eval_time": "70m", "alertname": "SLOTicketBurn",
         "exp_alerts": [expected(group, "SLOTicketBurn", "4.0", "-300%")]},
        *({"eval_time": "300m", "alertname": name, "exp_alerts": []}
          for name in ("SLOFastBurn", "SLOSlowBurn")),
    ])
    assert result.returncode == 0, result.stdout + result.stderr
    rule = alert(group, "SLOFastTicketBurn")
    assert rule["labels"]["severity"] == "ticket"
    assert "faster than 3x over 1d and 2h" in rule["annotations"]["summary"]


def test_the_1d_ticket_stops_once_the_last_2h_are_clean(tmp_path, offline_source, make_slo):
    slo = make_slo(offline_source, target="99.9", window="30d")
    # 0.8% errors for 5 hours, then none: 1d still above 3x, the last 2 hours are not.
    result = run_promtool(tmp_path, slo, 8, [
        {"eval_time": "290m", "alertname": "SLOFastTicketBurn",
         "exp_alerts": [expected(group, "SLOFastTicketBurn", "8.0", "-700%")
                        for group in rules.generate([slo])["groups"]]},
        {"eval_time": "480m", "alertname": "SLOFastTicketBurn", "exp_alerts": []},
    ], errors="0+8x300 2400+0x300")
    assert result.returncode == 0, result.stdout + result.stderr


def test_an_slo_specific_factor_changes_the_threshold(tmp_path, offline_source, make_slo):
    slo = make_slo(offline_source, target="99.9", window="30d", fast_burn_rate=25)
    # 2% errors = 20x: pages at the default 14.4x, but not at the SLO's own 25x.
    result = run_promtool(tmp_path, slo, 20, [
        {"eval_time": "10m", "alertname": "SLOFastBurn", "exp_alerts": []},
    ])
    assert result.returncode == 0, result.stdout + result.stderr


# --- Finding 7: alerts people can act on ------------------------------------------------

def test_an_alert_says_what_burns_where_to_look_and_who_owns_it(tmp_path, offline_source,
                                                                make_slo, settings):
    from slos.models import ServiceAlertLabels

    settings.SITE_URL = "https://postmortems.example.com/"
    slo = make_slo(offline_source, target="99.9", window="30d", fast_severity="page",
                   runbook_url="https://runbooks.example.com/checkout",
                   alert_labels={"team": "payments", "tier": "1"})
    ServiceAlertLabels.objects.create(service=slo.service,
                                      labels={"team": "checkout", "pager": "checkout-oncall"})
    (group,) = rules.generate([slo])["groups"]
    fast = expected(group, "SLOFastBurn", "20.0", "-1900%")

    assert fast["exp_labels"] == {
        "pager": "checkout-oncall", "team": "payments", "tier": "1",  # the SLO's label wins
        "slo": "checkout-availability", "slo_revision": slo.revision, "service": "checkout",
        "severity": "page"}
    assert fast["exp_annotations"] == {
        "summary": "Availability: burning the error budget faster than 14.4x over 1h and 5m",
        "description": "Target 99.9% over 30d: the error ratio is above 0.0144 over both 1h "
                       "and 5m. Burn rate now: 20.0x. Error budget left: -1900%.",
        "runbook_url": "https://runbooks.example.com/checkout",
        "slo_url": f"https://postmortems.example.com/slos/{slo.pk}/"}
    result = run_promtool(tmp_path, slo, 20, [
        {"eval_time": "10m", "alertname": "SLOFastBurn", "exp_alerts": [fast]}])
    assert result.returncode == 0, result.stdout + result.stderr


def test_the_minimum_traffic_guard_keeps_a_quiet_night_from_paging(tmp_path, offline_source,
                                                                   make_slo):
    # 1,000 requests a minute: 60,000 in the fast burn's 1h window.
    guarded = make_slo(offline_source, name="Guarded", target="99.9", window="30d",
                       min_events=100_000)
    result = run_promtool(tmp_path, guarded, 20, [
        {"eval_time": "70m", "alertname": "SLOFastBurn", "exp_alerts": []}])
    assert result.returncode == 0, result.stdout + result.stderr

    enough = make_slo(offline_source, name="Enough", target="99.9", window="30d",
                      min_events=50_000)
    (group,) = rules.generate([enough])["groups"]
    result = run_promtool(tmp_path, enough, 20, [
        {"eval_time": "70m", "alertname": "SLOFastBurn",
         "exp_alerts": [expected(group, "SLOFastBurn", "20.0", "-1900%")]}])
    assert result.returncode == 0, result.stdout + result.stderr


def test_no_data_raises_its_own_alert(tmp_path, offline_source, make_slo):
    slo = make_slo(offline_source, target="99.9", window="30d",
                   good='sum(rate(http_requests_total{job="renamed",status!~"5.."}[$window]))',
                   total='sum(rate(http_requests_total{job="renamed"}[$window]))')
    (group,) = rules.generate([slo])["groups"]
    no_data = expected(group, "SLONoData", "unknown")
    assert no_data["exp_labels"]["severity"] == "warning"
    result = run_promtool(tmp_path, slo, 20, [
        {"eval_time": "5m", "alertname": "SLONoData", "exp_alerts": []},  # for: 10m
        {"eval_time": "15m", "alertname": "SLONoData", "exp_alerts": [no_data]},
        {"eval_time": "15m", "alertname": "SLOFastBurn", "exp_alerts": []}])
    assert result.returncode == 0, result.stdout + result.stderr

    measured = make_slo(offline_source, name="Measured", target="99", window="30d")
    result = run_promtool(tmp_path, measured, 5, [
        {"eval_time": "15m", "alertname": "SLONoData", "exp_alerts": []}])
    assert result.returncode == 0, result.stdout + result.stderr


def test_an_exhausted_budget_opens_a_ticket_not_a_page(offline_source, make_slo):
    slo = make_slo(offline_source)
    (group,) = rules.generate([slo])["groups"]
    assert alert(group, "SLOErrorBudgetExhausted")["labels"]["severity"] == "ticket"
    custom = make_slo(offline_source, name="Custom", exhausted_severity="info")
    (group,) = rules.generate([custom])["groups"]
    assert alert(group, "SLOErrorBudgetExhausted")["labels"]["severity"] == "info"


def test_a_name_with_template_braces_is_written_literally(tmp_path, offline_source, make_slo):
    slo = make_slo(offline_source, name="Checkout {{ $value }} API", target="99.9",
                   window="30d")
    (group,) = rules.generate([slo])["groups"]
    fast = expected(group, "SLOFastBurn", "20.0", "-1900%")
    fast["exp_annotations"]["summary"] = fast["exp_annotations"]["summary"].replace(
        '{{ "{{" }} $value {{ "}}" }}', "{{ $value }}")
    assert fast["exp_annotations"]["summary"].startswith("Checkout {{ $value }} API:")
    result = run_promtool(tmp_path, slo, 20, [
        {"eval_time": "10m", "alertname": "SLOFastBurn", "exp_alerts": [fast]}])
    assert result.returncode == 0, result.stdout + result.stderr


def test_labels_that_cannot_go_on_an_alert_are_refused(offline_source, make_slo):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError) as refused:
        make_slo(offline_source, alert_labels={"severity": "low", "bad-name": "x"})
    messages = refused.value.message_dict["alert_labels"]
    assert "'bad-name' is not a Prometheus label name (letters, digits, _)." in messages
    assert "'severity' is set by the rules themselves; choose another name." in messages
