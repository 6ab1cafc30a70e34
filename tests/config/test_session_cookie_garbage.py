"""A session cookie Django never issued (here with a NUL byte, as schemathesis sent it) is no
session: the API answers 401 and pages send to the login, never a 500."""

import pytest

pytestmark = pytest.mark.django_db

GARBAGE = "00000000\x00\x80"  # long enough to be looked up


@pytest.mark.parametrize(("path", "status"), [("/api/v1/slos/", 401), ("/incidents/", 302)])
def test_a_garbage_session_cookie_is_no_session(client, path, status):
    assert client.get(path, HTTP_COOKIE=f"sessionid={GARBAGE}").status_code == status


def test_a_real_session_still_works(editor_client):
    assert editor_client.get("/incidents/").status_code == 200
