"""YAML import/export: round trip, the [28d] literal, and bad files refused whole with
field-level messages."""

import pytest
import yaml
from django.core.management import CommandError, call_command

from slos import definitions
from slos.models import SLO

pytestmark = pytest.mark.django_db

TEMPLATE = """
slos:
  - name: Checkout availability
    service: checkout
    description: Requests answered without a server error.
    target: 99.9
    window: 28d
    sli:
      good: sum(rate(http_requests_total{job="checkout",status!~"5.."}[28d]))
      total: sum(rate(http_requests_total{job="checkout"}[28d]))
    alerts:
      fast_burn: {burn_rate: 13.44, short_window: 5m, long_window: 1h, severity: critical}
      slow_burn: {burn_rate: 5.6, short_window: 30m, long_window: 6h, severity: warning}
  - name: Checkout latency
    service: checkout
    kind: latency
    target: 99
    window: 7d
    sli:
      good: sum(rate(http_request_duration_seconds_bucket{le="0.25"}[$window]))
      total: sum(rate(http_request_duration_seconds_count[$window]))
"""


def test_the_template_format_imports(service, offline_source):
    saved = definitions.import_text(TEMPLATE, data_source=offline_source)
    assert [slo.name for slo in saved] == ["Checkout availability", "Checkout latency"]
    slo = SLO.objects.get(name="Checkout availability")
    # [28d] equals the window, so it is read as the placeholder: burn windows derive from it.
    assert slo.good_query == 'sum(rate(http_requests_total{job="checkout",status!~"5.."}' \
                            "[$window]))"
    assert "[1h]" in slo.error_ratio_query("1h")
    assert slo.fast_burn_rate == 13.44 and slo.slow_burn_rate == 5.6
    assert slo.burn_factors()["ticket"] == pytest.approx(28 * 24 * 0.1 / 72)


def test_export_then_import_round_trips(service, offline_source):
    definitions.import_text(TEMPLATE, data_source=offline_source)
    exported = definitions.export(SLO.objects.select_related("service"))
    before = yaml.safe_load(exported)
    SLO.objects.all().delete()

    definitions.import_text(exported, data_source=offline_source)

    assert yaml.safe_load(definitions.export(SLO.objects.select_related("service"))) == before
    assert before["slos"][0]["alerts"]["fast_burn"] == {
        "burn_rate": 13.44, "short_window": "5m", "long_window": "1h", "severity": "critical"}


def test_importing_again_updates_instead_of_duplicating(service, offline_source):
    definitions.import_text(TEMPLATE, data_source=offline_source)
    definitions.import_text(TEMPLATE.replace("target: 99.9", "target: 99.5"),
                            data_source=offline_source)
    assert SLO.objects.count() == 2
    assert str(SLO.objects.get(name="Checkout availability").target) == "99.5000"


def test_a_bad_file_is_refused_whole_with_field_messages(service, offline_source):
    bad = TEMPLATE.replace("target: 99\n", "target: 100\n").replace(
        "long_window: 6h", "long_window: 2h")
    with pytest.raises(definitions.ImportRefused) as refused:
        definitions.import_text(bad, data_source=offline_source)
    errors = refused.value.errors
    assert any(e.startswith("slos[1] (Checkout latency).target: A target below 100%")
               for e in errors)
    assert any(e.startswith("slos[0] (Checkout availability).alerts.slow_burn.long_window")
               for e in errors)
    assert not SLO.objects.exists()  # the good entry was not imported either


@pytest.mark.parametrize(("text", "message"), [
    ("slos: [", "not valid YAML: line"),
    ("- just a list", "a mapping with a `slos:` list"),
    ("slos: []", "the `slos:` list is empty"),
    ("slos:\n  - name: X\n    target: high\n    service: checkout\n    sli: {good: a, total: b}",
     "slos[0] (X).target: a number of percent"),
    ("slos:\n  - name: X\n    target: 99\n    service: nowhere\n    sli: {good: a, total: b}",
     "slos[0] (X).service: no service 'nowhere'"),
    ("slos:\n  - name: X\n    target: 99\n    service: checkout\n    colour: red\n"
     "    sli: {good: 'a[$window]', total: 'b[$window]'}", "slos[0] (X).colour: unknown field"),
])
def test_malformed_files_say_what_is_wrong(service, offline_source, text, message):
    with pytest.raises(definitions.ImportRefused) as refused:
        definitions.import_text(text, data_source=offline_source)
    assert any(message in error for error in refused.value.errors), refused.value.errors


def test_the_import_page_refuses_a_bad_file_whole(editor_client, service, offline_source):
    bad = TEMPLATE.replace("target: 99\n", "target: 100\n")
    response = editor_client.post("/slos/import/", {"text": bad})
    assert response.status_code == 400
    assert "nothing was imported" in response.content.decode()
    assert "slos[1] (Checkout latency).target" in response.content.decode()
    assert not SLO.objects.exists()


def test_the_import_page_takes_a_file(editor_client, service, offline_source):
    from django.core.files.uploadedfile import SimpleUploadedFile

    upload = SimpleUploadedFile("slos.yml", TEMPLATE.encode(), content_type="application/yaml")
    response = editor_client.post("/slos/import/", {"file": upload})
    assert response.status_code == 302
    assert SLO.objects.count() == 2


def test_the_export_page_downloads_yaml(editor_client, service, offline_source):
    definitions.import_text(TEMPLATE, data_source=offline_source)
    response = editor_client.get("/slos/export.yml")
    assert response["Content-Disposition"] == 'attachment; filename="slos.yml"'
    assert len(yaml.safe_load(response.content)["slos"]) == 2


def test_the_commands_round_trip(tmp_path, service, offline_source, capsys):
    path = tmp_path / "slos.yml"
    path.write_text(TEMPLATE)
    call_command("import_slos", str(path))
    out = capsys.readouterr().out
    assert "2 SLO(s) imported." in out
    call_command("export_slos")
    exported = capsys.readouterr().out
    assert [e["name"] for e in yaml.safe_load(exported)["slos"]] == [
        "Checkout availability", "Checkout latency"]


def test_the_import_command_refuses_a_bad_file(tmp_path, service, offline_source):
    path = tmp_path / "slos.yml"
    path.write_text(TEMPLATE.replace("target: 99.9", "target: 0"))
    with pytest.raises(CommandError, match="nothing was imported"):
        call_command("import_slos", str(path))
    assert not SLO.objects.exists()


def test_the_import_page_can_give_the_service(editor_client, service, offline_source):
    text = TEMPLATE.replace("    service: checkout\n", "")
    response = editor_client.post("/slos/import/", {"text": text, "service": service.pk})
    assert response.status_code == 302
    assert set(SLO.objects.values_list("service__slug", flat=True)) == {"checkout"}


def test_an_entry_without_a_service_goes_to_the_service_its_name_starts_with(
        editor_client, service, offline_source):
    text = TEMPLATE.replace("    service: checkout\n", "")
    response = editor_client.post("/slos/import/", {"text": text}, follow=True)
    assert "Checkout availability into Checkout (the prefix of its name (checkout))" in \
        response.content.decode()
