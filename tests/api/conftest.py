"""API callers: a token per persona (write scope unless asked), sent as a bearer header."""

import pytest
from rest_framework.test import APIClient

from accounts.models import ApiToken


@pytest.fixture
def api():
    """api(user, scope="write") → a client sending that user's new token."""

    def client_for(user=None, scope="write"):
        client = APIClient()
        if user is not None:
            _, key = ApiToken.issue(user, "tests", scope)
            client.credentials(HTTP_AUTHORIZATION=f"Bearer {key}")
        return client

    return client_for

