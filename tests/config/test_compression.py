"""HTML, JSON and CSV leave the site gzipped when the browser accepts it (first loads of big
pages stay small); nothing changes for a client that does not."""

import gzip

import pytest

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("path", ["/", "/incidents/", "/actions/", "/actions/export.csv"])
def test_pages_are_compressed_for_clients_that_accept_gzip(editor_client, make, editor, path):
    for i in range(30):
        make.action_item(make.incident(f"Incident {i}"), f"Action {i}", owner=editor)
    response = editor_client.get(path, HTTP_ACCEPT_ENCODING="gzip")
    assert response.status_code == 200
    assert response["Content-Encoding"] == "gzip"
    assert "Accept-Encoding" in response["Vary"]
    body = response.getvalue() if response.streaming else response.content
    assert gzip.decompress(body)


def test_clients_without_gzip_get_plain_bodies(editor_client):
    response = editor_client.get("/")
    assert not response.has_header("Content-Encoding")
    assert b"<html" in response.content
