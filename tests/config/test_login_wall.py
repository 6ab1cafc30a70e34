"""Every page needs a login, except the login page itself, /healthz and /metrics."""

import pytest

from tests.routes import PUBLIC_ACCOUNT_PAGES, all_patterns

PUBLIC = {"login", "healthz", "metrics", *PUBLIC_ACCOUNT_PAGES}


def sample_path(route):
    """A concrete path for a route: converters get a plausible value."""
    import re

    path = re.sub(r"<int:\w+>", "1", route)
    path = re.sub(r"<(?:slug|str|path|uuid):?\w*>", "x", path)
    path = re.sub(r"<\w+>", "x", path)
    # Regex routes (the admin's): strip anchors and groups to a plain sample.
    path = re.sub(r"\(\?P<\w+>[^)]*\)", "x", path).replace("^", "").replace("$", "")
    return "/" + path.lstrip("/")


def crawlable():
    for name, route, _ in all_patterns():
        if name in PUBLIC or route.startswith("admin/"):
            continue
        yield pytest.param(sample_path(route), id=name or route)


@pytest.mark.django_db
@pytest.mark.parametrize("path", list(crawlable()))
def test_anonymous_visitors_are_sent_to_log_in(client, path):
    response = client.get(path)
    if path == "/api/v1/alertmanager/":
        # Its own bearer token (ALERTMANAGER_TOKEN); without that setting it is off.
        assert response.status_code == 404
        return
    if path.startswith("/api/v1/trackers/"):
        # Tracker webhooks authenticate by their signature, on POST only.
        assert response.status_code == 405
        return
    if path.startswith("/api/"):
        # Machine endpoints answer 401 (token or session required) instead of a redirect.
        assert response.status_code == 401, f"{path} answered {response.status_code}"
        return
    assert response.status_code == 302, f"{path} answered {response.status_code}"
    assert response["Location"].startswith("/accounts/login/?next=")


@pytest.mark.django_db
def test_the_crawl_covers_the_apps_pages():
    names = {name for name, _, _ in all_patterns()}
    assert "home" in names
    assert len(list(crawlable())) >= 1


@pytest.mark.django_db
def test_the_admin_has_its_own_login_wall(client):
    response = client.get("/admin/")
    assert response.status_code == 302
    assert "login" in response["Location"]


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/accounts/login/", "/healthz", "/metrics"])
def test_public_pages_answer_without_login(client, settings, path):
    settings.METRICS_PUBLIC = True  # else closed without a token (test_metrics_hardening)
    assert client.get(path).status_code == 200


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/accounts/sso/login/", "/accounts/sso/callback/",
                                  "/accounts/invitation/not-a-token/"])
def test_sign_in_pages_answer_without_login(client, path):
    """Not a redirect to the login page: single sign-on is off (404) and the link is not a
    valid invitation (a page that says so)."""
    assert client.get(path).status_code == 404


@pytest.mark.django_db
def test_a_logged_in_user_sees_the_dashboard(editor_client):
    response = editor_client.get("/")
    assert response.status_code == 200
    assert b"Dashboard" in response.content
