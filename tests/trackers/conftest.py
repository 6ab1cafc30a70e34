"""Tracker fixtures: an encryption key, the local tracker servers, connections to them."""

import pytest

from tests.trackers.servers import TEST_KEY, FakeGitHub, FakeGitLab, FakeJira


@pytest.fixture(autouse=True)
def tracker_settings(settings):
    settings.TRACKER_ENCRYPTION_KEYS = [TEST_KEY]
    settings.TRACKER_ALLOWED_HOSTS = ["127.0.0.1"]
    settings.SITE_URL = "https://postmortems.example.com"
    settings.TRACKER_RETRY_BACKOFF = 60
    settings.TRACKER_POLL_INTERVAL = 300
    return settings


@pytest.fixture
def tracker_server():
    """tracker_server(kind) → a running fake tracker of that kind."""
    servers = []

    def start(kind, **kwargs):
        server = {"jira_cloud": lambda: FakeJira(**kwargs),
                  "jira_dc": lambda: FakeJira(data_center=True, **kwargs),
                  "github": lambda: FakeGitHub(**kwargs),
                  "gitlab": lambda: FakeGitLab(**kwargs)}[kind]()
        servers.append(server)
        return server

    yield start
    for server in servers:
        server.stop()
