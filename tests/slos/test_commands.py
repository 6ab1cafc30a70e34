"""The management commands run the same code as the pages and the beat job."""

import re
import subprocess
from pathlib import Path

import pytest
import yaml
from django.core.management import call_command

from tests.slos.servers import promtool_binary

pytestmark = pytest.mark.django_db
ROOT = Path(__file__).resolve().parents[2]


def test_slo_rules_prints_the_generated_rules(offline_source, make_slo, capsys):
    make_slo(offline_source)
    call_command("slo_rules")
    groups = yaml.safe_load(capsys.readouterr().out)["groups"]
    assert groups[0]["name"] == "slo-checkout-availability"


def test_the_rules_page_serves_the_same_rules(editor_client, offline_source, make_slo, capsys):
    make_slo(offline_source)
    call_command("slo_rules")
    assert editor_client.get("/slos/rules.yml").content.decode() == capsys.readouterr().out


def test_the_compose_rules_file_passes_promtool():
    checked = subprocess.run([promtool_binary(), "check", "rules",
                              str(ROOT / "deploy" / "prometheus" / "slo-rules.yml")],
                             capture_output=True, text=True, timeout=60)
    assert checked.returncode == 0, checked.stdout + checked.stderr


def test_prometheus_config_scrapes_the_site_and_the_workload(capsys):
    call_command("prometheus_config", "--site", "127.0.0.1:8000", "--workload",
                 "127.0.0.1:9101", "--rules", "slo-rules.yml")
    config = yaml.safe_load(capsys.readouterr().out)
    jobs = {job["job_name"]: job["static_configs"][0]["targets"]
            for job in config["scrape_configs"]}
    assert jobs == {"postmortems": ["127.0.0.1:8000"], "demo-workload": ["127.0.0.1:9101"]}
    assert config["rule_files"] == ["slo-rules.yml"]


@pytest.mark.prometheus
@pytest.mark.xdist_group("prometheus")
def test_poll_slos_prints_one_line_per_slo(prometheus, make_source, make_slo, offline_source,
                                          capsys):
    make_slo(make_source(prometheus.url), name="Live", target="99")
    make_slo(offline_source, name="Unreachable")
    call_command("poll_slos")
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == 2
    # 2% errors, measured live from scrapes a second apart: about 98% (the exact window
    # figures are checked against a backfilled history in test_poll_history.py).
    live = re.match(r"checkout-live: ok SLI (\d+\.\d+)% ", lines[0])
    assert live, lines[0]
    assert 97.5 < float(live[1]) < 98.5
    assert "budget remaining -" in lines[0]  # 2% errors against a 1% budget
    assert lines[1].startswith("checkout-unreachable: error (refused) cannot connect")


def test_the_api_token_command_prints_a_working_key(editor, capsys):
    from accounts.models import ApiToken

    call_command("slo_api_token", "erin")
    key = capsys.readouterr().out.strip()
    assert ApiToken.authenticate(key) == editor
