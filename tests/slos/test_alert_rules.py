"""The generated alerts fire when they should, checked with `promtool test rules` on series
burning the budget at a known rate (no Prometheus server needed)."""

import subprocess

import pytest
import yaml

from slos import rules
from tests.slos.servers import promtool_binary

pytestmark = pytest.mark.django_db


def alert(group, name):
    return next(rule for rule in group["rules"] if rule.get("alert") == name)


def expected(group, name):
    rule = alert(group, name)
    return {"exp_labels": rule["labels"], "exp_annotations": rule["annotations"]}


def run_promtool(tmp_path, slo, error_per_minute, checks):
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
                 "values": f"0+{error_per_minute}x600"},
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
         "exp_alerts": [expected(group, "SLOFastBurn")]},
        {"eval_time": "10m", "alertname": "SLOSlowBurn", "exp_alerts": []},  # for: 15m
        {"eval_time": "20m", "alertname": "SLOSlowBurn",
         "exp_alerts": [expected(group, "SLOSlowBurn")]},
        {"eval_time": "10m", "alertname": "SLOErrorBudgetExhausted",
         "exp_alerts": [expected(group, "SLOErrorBudgetExhausted")]},
    ])
    assert result.returncode == 0, result.stdout + result.stderr


def test_a_burn_below_the_thresholds_stays_quiet(tmp_path, offline_source, make_slo):
    slo = make_slo(offline_source, target="99", window="30d")
    # 0.5% errors against a 1% budget: burn 0.5, below every threshold.
    result = run_promtool(tmp_path, slo, 5, [
        {"eval_time": f"{minutes}m", "alertname": name, "exp_alerts": []}
        for minutes in (10, 90, 300)
        for name in ("SLOFastBurn", "SLOSlowBurn", "SLOTicketBurn", "SLOErrorBudgetExhausted")
    ])
    assert result.returncode == 0, result.stdout + result.stderr


def test_an_slo_specific_factor_changes_the_threshold(tmp_path, offline_source, make_slo):
    slo = make_slo(offline_source, target="99.9", window="30d", fast_burn_rate=25)
    # 2% errors = 20x: pages at the default 14.4x, but not at the SLO's own 25x.
    result = run_promtool(tmp_path, slo, 20, [
        {"eval_time": "10m", "alertname": "SLOFastBurn", "exp_alerts": []},
    ])
    assert result.returncode == 0, result.stdout + result.stderr
