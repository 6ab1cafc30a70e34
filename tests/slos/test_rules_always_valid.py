"""Finding 1: one bad SLO never disables every alert. PromQL is parsed on every path (form,
file import), and the rules file stays valid: an SLO whose rules would not parse (stored before
the check existed) is left out with a comment and flagged on its page, and a real Prometheus
loads the rest."""

import re
import subprocess

import pytest
import yaml
from django.core.management import CommandError, call_command

from slos import promql, rules
from slos.models import SLO
from tests.factories import slo_form_data as form_data
from tests.slos.servers import promtool_binary

pytestmark = pytest.mark.django_db

BROKEN_GOOD = 'sum(rate(http_requests_total{job="workload",status!~"5.."}[$window])'


def promtool(tmp_path, *args):
    return subprocess.run([promtool_binary(), *args], cwd=tmp_path, capture_output=True,
                          text=True, timeout=60)


@pytest.fixture
def broken_slo(service, offline_source):
    """An SLO stored unchecked, as `import_slos` did before the parser: saved without clean()."""
    return SLO.objects.create(
        service=service, data_source=offline_source, name="Broken", target="99.9",
        window="28d", good_query=BROKEN_GOOD,
        total_query='sum(rate(http_requests_total{job="workload"}[$window]))')


def test_a_parse_error_names_the_position_and_the_reason():
    error = promql.error_in(BROKEN_GOOD)
    assert error == "not valid PromQL at character 4: unclosed left parenthesis"
    assert promql.error_in("sum(rate(x[5x]))") == \
        "not valid PromQL at character 12: bad number or duration syntax: 5x"
    assert promql.error_in('sum(rate(x[$window]))\n/ sum(rate(y[$window])))') == \
        "not valid PromQL at line 2, column 24: unexpected right parenthesis ')'"
    assert promql.error_in('sum(rate(x{le="0.25"}[$window]))') == ""


def test_import_slos_refuses_invalid_promql_and_saves_nothing(tmp_path, service,
                                                               offline_source):
    path = tmp_path / "slos.yml"
    path.write_text(yaml.safe_dump({"slos": [
        {"name": "Fine", "service": "checkout", "target": 99.9, "window": "28d",
         "sli": {"good": "sum(rate(a[28d]))", "total": "sum(rate(b[28d]))"}},
        {"name": "Typo", "service": "checkout", "target": 99.9, "window": "28d",
         "sli": {"good": "sum(rate(a[28d])", "total": "sum(rate(b[28d]))"}},
    ]}))
    with pytest.raises(CommandError) as refused:
        call_command("import_slos", str(path))
    assert "slos[1] (Typo).sli.good: Not valid PromQL at character 4: unclosed left " \
           "parenthesis" in str(refused.value)
    assert not SLO.objects.exists()


def test_the_form_refuses_invalid_promql_with_the_position(editor_client, service,
                                                           offline_source):
    response = editor_client.post("/slos/new/", form_data(service, offline_source,
                                                         good_query=BROKEN_GOOD))
    assert response.status_code == 200
    assert "Not valid PromQL at character 4: unclosed left parenthesis" in \
        response.content.decode()
    assert not SLO.objects.exists()


def test_a_broken_slo_is_left_out_and_the_file_passes_promtool(tmp_path, broken_slo,
                                                               offline_source, make_slo):
    fine = make_slo(offline_source, name="Availability", window="30d")
    text = rules.to_yaml(SLO.objects.select_related("service").order_by("name"))
    (tmp_path / "rules.yml").write_text(text)

    checked = promtool(tmp_path, "check", "rules", "rules.yml")
    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert f"# Left out: SLO {broken_slo.slug} (id {broken_slo.pk}) cannot produce valid " \
           "rules: slo:sli_error:ratio_window: not valid PromQL" in text
    groups = yaml.safe_load(text)["groups"]
    assert [group["name"] for group in groups] == [f"slo-{fine.slug}"]

    # The SLO left beside the broken one still pages (promtool test rules on the same file).
    (group,) = groups
    fast = next(rule for rule in group["rules"] if rule.get("alert") == "SLOFastBurn")
    description = re.sub(r"Burn rate now: .*? Error budget left: .*\.$",
                         "Burn rate now: 20.0x. Error budget left: -1900%.",
                         fast["annotations"]["description"])
    job = 'job="workload"'
    (tmp_path / "test.yml").write_text(yaml.safe_dump({
        "rule_files": ["rules.yml"], "evaluation_interval": "1m",
        "tests": [{"interval": "1m", "input_series": [
            {"series": f'http_requests_total{{{job},status="200"}}', "values": "0+980x120"},
            {"series": f'http_requests_total{{{job},status="500"}}', "values": "0+20x120"}],
            "alert_rule_test": [{"eval_time": "10m", "alertname": "SLOFastBurn",
                                 "exp_alerts": [{"exp_labels": fast["labels"],
                                                 "exp_annotations": {
                                                     **fast["annotations"],
                                                     "description": description}}]}]}],
    }))
    tested = promtool(tmp_path, "test", "rules", "test.yml")
    assert tested.returncode == 0, tested.stdout + tested.stderr


def test_the_page_of_a_left_out_slo_says_so(editor_client, broken_slo):
    page = editor_client.get(broken_slo.get_absolute_url()).content.decode()
    assert "Left out of the Prometheus rules file" in page
    assert "unclosed left parenthesis" in page


@pytest.mark.prometheus
@pytest.mark.xdist_group("prometheus")
def test_a_real_prometheus_loads_the_file_with_a_broken_slo_in_the_set(prometheus, broken_slo,
                                                                       make_source, make_slo):
    fine = make_slo(make_source(prometheus.url), name="Availability")
    try:
        prometheus.load_rules(rules.to_yaml(SLO.objects.select_related("service")),
                              wait_for=f'slo:sli_error:ratio_rate5m{{slo="{fine.slug}"}}')
    finally:
        prometheus.unload_rules()
