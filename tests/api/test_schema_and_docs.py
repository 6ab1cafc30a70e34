"""The OpenAPI 3 schema at /api/v1/schema/ and the browsable docs, served from the site's own
static files (no CDN)."""

import re

import pytest

pytestmark = pytest.mark.django_db


def test_the_schema_is_openapi_3_with_every_resource(api, viewer):
    response = api(viewer).get("/api/v1/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert response.status_code == 200
    schema = response.json()
    assert schema["openapi"].startswith("3.")
    paths = set(schema["paths"])
    for resource in ("incidents", "postmortems", "timeline-entries", "whys", "factors",
                     "action-items", "services", "meetings", "slos", "alertmanager"):
        assert f"/api/v1/{resource}/" in paths
    conflict = schema["paths"]["/api/v1/incidents/{id}/"]["patch"]["responses"]["409"]
    assert conflict["content"]["application/json"]["schema"]["$ref"].endswith("/Conflict")


def test_the_docs_load_their_files_from_the_site(client, viewer):
    client.force_login(viewer)
    page = client.get("/api/v1/docs/").content.decode()
    sources = re.findall(r'(?:src|href)="([^"]+)"', page)
    assert any("swagger-ui" in s for s in sources)
    assert all(s.startswith("/") for s in sources), sources
    assert "<script>" not in page  # the script is its own file (no inline script)


def test_the_schema_documents_the_slo_writes_import_export_and_poll(api, viewer):
    paths = api(viewer).get("/api/v1/schema/",
                            HTTP_ACCEPT="application/vnd.oai.openapi+json").json()["paths"]
    assert {"get", "post"} <= set(paths["/api/v1/slos/"])
    assert {"get", "put", "patch", "delete"} <= set(paths["/api/v1/slos/{id}/"])
    assert "409" in paths["/api/v1/slos/{id}/"]["patch"]["responses"]
    assert "post" in paths["/api/v1/slos/{id}/poll/"]
    upload = paths["/api/v1/slos/import/"]["post"]
    assert {"application/yaml", "text/plain", "multipart/form-data"} <= set(
        upload["requestBody"]["content"])
    assert "201" in upload["responses"] and "400" in upload["responses"]
    export = paths["/api/v1/slos/export/"]["get"]
    assert "application/yaml" in export["responses"]["200"]["content"]
    assert [sorted(p["schema"]["enum"]) for p in export["parameters"]
            if p["name"] == "format"] == [["definitions", "openslo", "template"]]
