"""Browser fixtures: a second (third…) browser context logged in as another user."""

import pytest
from django.conf import settings


@pytest.fixture
def page_as(browser, browser_context_args, live_server):
    """page_as(user) → a page in a NEW browser context (own cookies) logged in as ``user``."""
    from django.test import Client

    contexts = []

    def open_page(user):
        context = browser.new_context(**browser_context_args)
        contexts.append(context)
        client = Client()
        client.force_login(user)
        cookie = client.cookies[settings.SESSION_COOKIE_NAME]
        context.add_cookies([{"name": settings.SESSION_COOKIE_NAME, "value": cookie.value,
                              "url": live_server.url}])
        return context.new_page()

    yield open_page
    for context in contexts:
        context.close()
