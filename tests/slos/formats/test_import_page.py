"""The import page reads all three formats: detected from the file's own declaration by
default (OpenSLO's apiVersion, Sloth's version, else the definition template) or as chosen;
each refused whole with the document and field named; the service option for files that
name none."""

import pytest
import yaml
from django.core.files.uploadedfile import SimpleUploadedFile

from postmortems.models import Service
from slos.formats import choice
from slos.models import SLO

pytestmark = pytest.mark.django_db

OPENSLO = """
apiVersion: openslo/v1
kind: SLO
metadata: {name: checkout-availability, displayName: Checkout availability}
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
            spec:
              query: sum(rate(http_requests_total{job="checkout",status=~"5.."}[{{.window}}]))
        total:
          metricSource:
            type: Prometheus
            spec: {query: 'sum(rate(http_requests_total{job="checkout"}[{{.window}}]))'}
  timeWindow: [{duration: 30d, isRolling: true}]
  objectives: [{target: 0.999}]
"""

SLOTH = """
version: "prometheus/v1"
service: checkout
labels: {owner: payments-team}
slos:
  - name: requests-availability
    objective: 99.9
    sli:
      events:
        error_query: sum(rate(http_requests_total{job="checkout",code=~"5.."}[{{.window}}]))
        total_query: sum(rate(http_requests_total{job="checkout"}[{{.window}}]))
"""

TEMPLATE = """
slos:
  - name: Checkout availability
    target: 99.9
    window: 28d
    sli:
      good: sum(rate(http_requests_total{job="checkout",status!~"5.."}[28d]))
      total: sum(rate(http_requests_total{job="checkout"}[28d]))
  - name: Search latency
    target: 99
    window: 7d
    sli:
      good: sum(rate(http_request_duration_seconds_bucket{job="search",le="0.25"}[7d]))
      total: sum(rate(http_request_duration_seconds_count{job="search"}[7d]))
"""


def post(client, text, **fields):
    upload = SimpleUploadedFile("slos.yml", text.encode(), content_type="application/yaml")
    return client.post("/slos/import/", {"file": upload, **fields}, follow=True)


def test_the_page_offers_the_formats_detecting_by_default(editor_client):
    page = editor_client.get("/slos/import/").content.decode()
    assert '<option value="auto" selected>Detect from the file' in page
    for value in ("definitions", "openslo", "sloth"):
        assert f'<option value="{value}">' in page


@pytest.mark.parametrize(("text", "expected"), [
    (OPENSLO, choice.OPENSLO), (SLOTH, choice.SLOTH), (TEMPLATE, choice.DEFINITIONS),
    ('# spec\nversion: prometheus/v1 # Sloth\nslos: []\n', choice.SLOTH),
    ("slos:\n  - name: apiVersion is not openslo/v1 here\n", choice.DEFINITIONS),
], ids=["openslo", "sloth", "template", "sloth-unquoted", "template-mentioning-openslo"])
def test_the_format_is_what_the_file_declares(text, expected):
    assert choice.detect(text) == expected


def test_an_openslo_file_imports_through_the_page(editor_client, service, offline_source):
    response = post(editor_client, OPENSLO)
    assert "Imported 1 SLO(s) as OpenSLO v1" in response.content.decode()
    (slo,) = SLO.objects.all()
    assert (slo.name, slo.service, slo.window) == ("Checkout availability", service, "30d")


def test_a_sloth_spec_imports_through_the_page(editor_client, service, offline_source):
    response = post(editor_client, SLOTH, format="sloth")
    assert 'Imported 1 SLO(s) as Sloth (version: &quot;prometheus/v1&quot;)' in \
        response.content.decode()
    (slo,) = SLO.objects.all()
    assert (slo.window, slo.alert_labels["owner"]) == ("30d", "payments-team")


def test_a_template_file_takes_the_service_option(editor_client, service, offline_source):
    other = Service.objects.create(name="Storefront", slug="storefront")
    response = post(editor_client, TEMPLATE, format="definitions", service=other.pk)
    assert "as SLO definition template" in response.content.decode()
    assert set(other.slos.values_list("name", flat=True)) == {"Checkout availability",
                                                              "Search latency"}


def test_a_sloth_spec_without_a_service_takes_the_option(editor_client, service,
                                                         offline_source):
    other = Service.objects.create(name="Storefront", slug="storefront")
    spec = yaml.safe_load(SLOTH)
    del spec["service"]
    post(editor_client, yaml.safe_dump(spec), service=other.pk)
    assert other.slos.get().name == "requests-availability"


@pytest.mark.parametrize(("text", "error"), [
    (OPENSLO.replace("ratioMetric:", "thresholdMetric:"),
     "OpenSLO document 1 (SLO checkout-availability).spec.indicator.spec.ratioMetric: a "
     "good/total or bad/total ratio"),
    (SLOTH.replace("events:", "raw:"),
     "Sloth spec slos[0] (requests-availability).sli.raw: only sli.events"),
    (TEMPLATE.replace("target: 99.9", "target: 100"),
     "slos[0] (Checkout availability).target: A target below 100% is required"),
], ids=["openslo", "sloth", "template"])
def test_each_format_is_refused_whole_naming_document_and_field(editor_client, service,
                                                                offline_source, text, error):
    response = post(editor_client, text)
    assert response.status_code == 400
    page = response.content.decode()
    assert "nothing was imported" in page and error in page, page[page.find("import-errors"):][:600]
    assert not SLO.objects.exists()


def test_a_file_read_in_the_wrong_format_is_refused_saying_so(editor_client, service,
                                                              offline_source):
    response = post(editor_client, TEMPLATE, format="openslo")
    assert response.status_code == 400
    assert "OpenSLO document 1.apiVersion: openslo/v1 is required" in response.content.decode()
    assert not SLO.objects.exists()


def test_an_unknown_format_is_a_form_error(editor_client, service, offline_source):
    response = post(editor_client, TEMPLATE, format="excel")
    assert response.status_code == 400
    assert "Select a valid choice" in response.content.decode()
    assert not SLO.objects.exists()
