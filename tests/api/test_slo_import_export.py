"""POST /api/v1/slos/import/ and GET /api/v1/slos/export/: what the /slos/import/ page and the
import_slos / export_slos commands do, for pipelines keeping their SLOs in git. Any of the
three formats, detected from the file; all or nothing, each error naming document and field;
editors import, every role exports."""

import pytest
import yaml
from django.core.files.uploadedfile import SimpleUploadedFile

from postmortems.models import Service
from slos.formats import safe_yaml
from slos.models import SLO
from tests.slos.formats.test_import_page import OPENSLO, SLOTH, TEMPLATE

pytestmark = pytest.mark.django_db

IMPORT = "/api/v1/slos/import/"
EXPORT = "/api/v1/slos/export/"


def push(client, text, content_type="application/yaml", query=""):
    return client.post(f"{IMPORT}{query}", data=text.encode() if isinstance(text, str) else text,
                       content_type=content_type)


def test_a_pipeline_pushes_an_openslo_file(api, editor, service, offline_source):
    response = push(api(editor), OPENSLO)
    assert response.status_code == 201, response.content
    data = response.json()
    slo = SLO.objects.get()
    assert data["format"] == "openslo" and data["imported"] == 1
    assert data["slos"] == [{"id": slo.pk, "slug": slo.slug, "name": "Checkout availability",
                             "service": "checkout", "service_reason": "its service: key",
                             "version": 1}]
    assert (slo.window, slo.data_source) == ("30d", offline_source)


def test_pushing_the_same_file_again_updates_and_bumps_the_version(api, editor, service,
                                                                   offline_source):
    push(api(editor), OPENSLO)
    response = push(api(editor), OPENSLO.replace("target: 0.999", "target: 0.995"))
    assert response.status_code == 201
    slo = SLO.objects.get()
    assert str(slo.target) == "99.5000" and slo.version == 2
    assert response.json()["slos"][0]["version"] == 2


@pytest.mark.parametrize("content_type", ["text/plain", "application/x-yaml", "text/yaml",
                                          "application/octet-stream"])
def test_the_body_may_be_sent_as_any_text_type(api, editor, service, offline_source,
                                               content_type):
    response = push(api(editor), SLOTH, content_type=content_type)
    assert response.status_code == 201, response.content
    assert response.json()["format"] == "sloth"


def test_a_multipart_upload_and_the_options(api, editor, service, offline_source,
                                            make_source, closed_port_url):
    other = Service.objects.create(name="Storefront", slug="storefront")
    make_source(closed_port_url, name="staging")
    client = api(editor)
    upload = SimpleUploadedFile("slos.yml", TEMPLATE.encode(), content_type="application/yaml")
    response = client.post(f"{IMPORT}?format=template&service=storefront&data_source=staging",
                           {"file": upload}, format="multipart")
    assert response.status_code == 201, response.content
    assert response.json()["format"] == "definitions"
    assert {(s.service, s.data_source.name) for s in SLO.objects.all()} == {(other, "staging")}


@pytest.mark.parametrize(("text", "error"), [
    (OPENSLO.replace("ratioMetric:", "thresholdMetric:"),
     "OpenSLO document 1 (SLO checkout-availability).spec.indicator.spec.ratioMetric: a "
     "good/total or bad/total ratio"),
    (SLOTH.replace("events:", "raw:"),
     "Sloth spec slos[0] (requests-availability).sli.raw: only sli.events"),
    (TEMPLATE.replace("target: 99", "target: 100"),
     "slos[1] (Search latency).target: A target below 100% is required"),
], ids=["openslo", "sloth", "template"])
def test_a_file_is_refused_whole_naming_document_and_field(api, editor, service,
                                                           offline_source, text, error):
    response = push(api(editor), text)
    assert response.status_code == 400
    data = response.json()
    assert data["code"] == "invalid"
    assert any(message.startswith(error) for message in data["errors"]["file"]), data
    assert not SLO.objects.exists()


@pytest.mark.parametrize(("query", "field"), [
    ("?format=csv", "format"), ("?service=nowhere", "service"),
    ("?data_source=nowhere", "data_source")])
def test_bad_options_are_field_errors(api, editor, service, offline_source, query, field):
    response = push(api(editor), TEMPLATE, query=query)
    assert response.status_code == 400
    assert field in response.json()["errors"]


@pytest.mark.parametrize(("body", "message"), [
    (b"", "Send the YAML file"), (b"\xff\xfe\x00bad", "not UTF-8"),
    (b"x" * (safe_yaml.MAX_BYTES + 1), "the limit"), (b"- just\n- a list\n", "slos:")])
def test_an_empty_binary_huge_or_shapeless_body_is_a_400(api, editor, offline_source, body,
                                                         message):
    response = push(api(editor), body)
    assert response.status_code == 400
    assert message in " ".join(response.json()["errors"]["file"])


def test_a_viewer_or_a_read_token_cannot_import(api, viewer, editor, service, offline_source):
    assert push(api(viewer), OPENSLO).status_code == 403
    assert push(api(editor, scope="read"), OPENSLO).status_code == 403
    assert push(api(), OPENSLO).status_code == 401
    assert not SLO.objects.exists()


def test_export_as_template_reads_back_the_same(api, viewer, editor, service, offline_source):
    push(api(editor), TEMPLATE)
    response = api(viewer).get(EXPORT)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/yaml; charset=utf-8"
    exported = response.content.decode()
    assert [e["name"] for e in yaml.safe_load(exported)["slos"]] == [
        "Checkout availability", "Search latency"]
    again = push(api(editor), exported)
    assert again.status_code == 201 and again.json()["imported"] == 2
    assert api(viewer).get(EXPORT).content.decode() == exported


def test_export_as_openslo(api, viewer, service, offline_source, make_slo):
    slo = make_slo(offline_source)
    response = api(viewer).get(EXPORT, {"format": "openslo"})
    assert response.status_code == 200
    kinds = [(d["kind"], d["metadata"]["name"])
             for d in yaml.safe_load_all(response.content.decode())]
    assert kinds == [("Service", "checkout"), ("SLO", slo.slug)]


def test_export_refuses_an_unknown_format_and_anonymous_callers(api, viewer):
    response = api(viewer).get(EXPORT, {"format": "sloth"})
    assert response.status_code == 400 and "format" in response.json()["errors"]
    assert api().get(EXPORT).status_code == 401
