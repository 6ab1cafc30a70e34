"""The generated rules pass `promtool check rules`, load into a real Prometheus, and once
loaded the poll reads the recorded series: one query per window for every SLO."""

import math
import re
import subprocess

import pytest
import yaml

from slos import budget, poller, rules
from slos.models import SLO, Snapshot
from tests.slos.history import HISTORY_GOOD, HISTORY_TOTAL
from tests.slos.servers import promtool_binary

pytestmark = [pytest.mark.prometheus, pytest.mark.xdist_group("prometheus"),
              pytest.mark.django_db]


def check_rules(tmp_path, text):
    path = tmp_path / "rules.yml"
    path.write_text(text)
    return subprocess.run([promtool_binary(), "check", "rules", str(path)],
                          capture_output=True, text=True, timeout=60)


def test_promtool_accepts_the_generated_rules(tmp_path, make_source, make_slo):
    source = make_source("http://prometheus:9090")
    make_slo(source, name="Availability 28d")
    make_slo(source, name="Availability 30d", window="30d", fast_burn_rate=20)

    checked = check_rules(tmp_path, rules.to_yaml(SLO.objects.select_related("service")))

    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert "SUCCESS" in checked.stdout


def test_every_series_an_alert_uses_is_recorded(make_source, make_slo):
    make_slo(make_source("http://prometheus:9090"))
    (group,) = rules.generate(SLO.objects.select_related("service"))["groups"]
    recorded = {rule["record"] for rule in group["rules"] if "record" in rule}
    alerts = [rule for rule in group["rules"] if "alert" in rule]

    assert {a["alert"] for a in alerts} == {"SLOFastBurn", "SLOSlowBurn", "SLOFastTicketBurn",
                                            "SLOTicketBurn", "SLOErrorBudgetExhausted",
                                            "SLONoData"}
    for alert in alerts:
        used = set(re.findall(r"slo:[a-z0-9_:]+", alert["expr"]))
        assert used and used <= recorded, alert["alert"]


def test_the_thresholds_follow_the_budget_shares_of_the_window(make_source, make_slo):
    slo = make_slo(make_source("http://prometheus:9090"), window="28d", target="99.9")
    (group,) = rules.generate([slo])["groups"]
    fast = next(rule for rule in group["rules"] if rule.get("alert") == "SLOFastBurn")

    assert "slo:sli_error:ratio_rate1h" in fast["expr"]
    assert "slo:sli_error:ratio_rate5m" in fast["expr"]
    assert "> 0.01344" in fast["expr"]  # 13.44 x 0.001
    assert fast["for"] == "2m" and fast["labels"]["severity"] == "critical"


def test_the_poll_reads_recorded_series_once_the_rules_are_loaded(
        prometheus, make_source, make_slo):
    source = make_source(prometheus.url)
    history = make_slo(source, name="History", good=HISTORY_GOOD, total=HISTORY_TOTAL)
    live = make_slo(source, name="Live", target="99")
    slos = list(SLO.objects.select_related("service", "data_source"))
    prometheus.load_rules(rules.to_yaml(slos),
                          wait_for=f'slo:sli_error:ratio_rate1h{{slo="{live.slug}"}}')
    prometheus.load_rules(rules.to_yaml(slos),
                          wait_for=f'slo:sli_error:ratio_window{{slo="{history.slug}"}}')
    stats = {}
    try:
        recorded = {s.slo_id: s for s in poller.poll(slos, stats=stats)}
    finally:
        prometheus.unload_rules()

    # One query per window for all the SLOs of the data source, none per SLO.
    # (and one for the number of series of each side: the shape check).
    assert stats == {"queries": len(rules.RECORDED_METRICS) + 1, "recorded": 2, "raw": 0}
    for snapshot in recorded.values():
        assert snapshot.status == Snapshot.Status.OK, snapshot.error
        assert snapshot.source == Snapshot.Source.RECORDED
    expected = prometheus.history.error_ratio(recorded[history.pk].taken_at, 28 * budget.DAY)
    # The rule was evaluated up to a second before the poll: the window moved by that much.
    assert math.isclose(1 - recorded[history.pk].sli, expected, rel_tol=1e-3)
    assert math.isclose(recorded[live.pk].error_ratios["1h"], 0.02, abs_tol=2e-3)


def test_recorded_series_of_an_older_definition_are_ignored(prometheus, make_source, make_slo):
    slo = make_slo(make_source(prometheus.url), name="Changing", target="99")
    prometheus.load_rules(rules.to_yaml([slo]),
                          wait_for=f'slo:sli_error:ratio_window{{slo="{slo.slug}"}}')
    try:
        slo.total_query = 'sum(rate(http_requests_total{job="workload"}[$window])) * 2'
        slo.save()
        (snapshot,) = poller.poll([slo])
    finally:
        prometheus.unload_rules()

    assert snapshot.source == Snapshot.Source.RAW
    assert math.isclose(snapshot.sli, 0.49, abs_tol=2e-3)  # (0.98 x) / (2 x)


def test_the_rules_file_is_yaml_with_one_group_per_slo(make_source, make_slo):
    source = make_source("http://prometheus:9090")
    make_slo(source, name="One")
    make_slo(source, name="Two")
    text = rules.to_yaml(SLO.objects.select_related("service"))

    assert text.startswith("# Generated by `python manage.py slo_rules`")
    assert [g["name"] for g in yaml.safe_load(text)["groups"]] == [
        "slo-checkout-one", "slo-checkout-two"]
