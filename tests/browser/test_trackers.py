"""In a real Chromium: an admin configures a GitHub tracker on the page (credentials never
shown back), an editor creates the ticket from the action item, the tracker closes it and its
signed webhook reaches the live server, and the item shows done with its ticket's badge; then
the tracker goes down and the item says since when it is not synced. The configuration pages
pass axe (they are admins' pages, so the accessibility walk does not reach them)."""

from datetime import timedelta

import httpx
import pytest
from cryptography.fernet import Fernet
from django.utils import timezone
from playwright.sync_api import expect

from postmortems.models import ActionItem
from tests import factories
from tests.browser import axe
from tests.trackers.servers import FakeGitHub
from trackers import sync
from trackers.models import TicketLink

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def github(settings):
    settings.TRACKER_ENCRYPTION_KEYS = [Fernet.generate_key().decode()]
    settings.TRACKER_ALLOWED_HOSTS = ["127.0.0.1"]
    server = FakeGitHub()
    yield server
    server.stop()


@pytest.fixture
def item(editor):
    incident = factories.incident(title="Checkout 5xx after deploy", owner=editor, severity=2)
    factories.postmortem(incident, author=editor)
    return factories.action_item(incident, text="Add a canary stage", owner=editor,
                                 ticket="", priority="P1")


def test_configure_create_close_on_github_done_here(live_server, page, login, admin, item,
                                                    github, screenshot, settings):
    settings.SITE_URL = live_server.url
    page.set_default_timeout(10_000)
    login(admin)

    # The admin adds the tracker.
    page.goto(f"{live_server.url}/actions/")
    page.get_by_role("link", name="Ticket trackers").click()
    page.get_by_role("link", name="New tracker").click()
    page.get_by_label("Name").fill("Shop issues")
    page.get_by_label("Tracker").select_option("github")
    page.get_by_label("Base URL").fill(github.url)
    page.get_by_label("Project").fill("acme/shop")
    page.get_by_label("Token").fill(github.token)
    page.get_by_label("Webhook secret").fill(github.secret)
    page.get_by_label("Site-wide default").check()
    assert axe.violations(page) == []
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("alert")).to_contain_text("Saved tracker “Shop issues”")
    expect(page.get_by_test_id("webhook-url")).to_contain_text("/api/v1/trackers/")
    assert axe.violations(page) == []
    screenshot(page, "trackers-1-configuration")
    assert github.token not in page.content() and github.secret not in page.content()
    page.get_by_role("link", name="Edit").click()
    expect(page.get_by_text("Set — leave empty to keep.")).to_have_count(2)
    assert github.token not in page.content()
    assert axe.violations(page) == []
    screenshot(page, "trackers-2-edit-secrets-kept")

    # Create ticket, from the incident's action items.
    page.goto(f"{live_server.url}/incidents/{item.incident_id}/")
    row = page.locator(f"#action-{item.pk}")
    expect(row.get_by_role("link", name="Link existing")).to_be_visible()
    screenshot(page, "trackers-3-create-ticket-button")
    row.get_by_role("button", name="Create ticket").click()
    expect(page.get_by_role("alert")).to_contain_text("Creating a ticket")
    expect(page.locator(f"#action-{item.pk}").get_by_test_id("ticket-state")) \
        .to_have_text("being created")
    link = TicketLink.objects.get(item=item)
    assert sync.create_ticket(link.pk)["status"] == "created"  # what the worker does
    page.reload()
    row = page.locator(f"#action-{item.pk}")
    expect(row.get_by_role("link", name="acme/shop#1")).to_have_attribute(
        "href", "https://github.com/acme/shop/issues/1")
    expect(row.get_by_test_id("ticket-state")).to_have_text("open")
    screenshot(page, "trackers-4-ticket-open")
    assert f"{live_server.url}/incidents/{item.incident_id}/#action-{item.pk}" in \
        github.issues["1"]["body"]

    # Closed on GitHub: its signed webhook reaches the live server.
    github.close("1")
    headers, body, _ = github.webhook("1")
    response = httpx.post(f"{live_server.url}/api/v1/trackers/{link.connection_id}/webhook/",
                          content=body, headers={**headers,
                                                 "Content-Type": "application/json"})
    assert response.status_code == 200 and response.json()["closed"] == 1
    page.reload()
    row = page.locator(f"#action-{item.pk}")
    expect(row).to_contain_text("Done")
    expect(row.get_by_test_id("ticket-state")).to_have_text("closed (completed)")
    assert ActionItem.objects.get(pk=item.pk).status == "done"
    screenshot(page, "trackers-5-closed-on-github-done-here")

    # GitHub down: the poll fails, the item says since when it is not synced.
    github.down = True
    sync.poll(now=timezone.now() + timedelta(minutes=10))
    page.goto(f"{live_server.url}/actions/")
    row = page.locator(f"#action-{item.pk}")
    expect(row.get_by_test_id("ticket-not-synced")).to_contain_text("not synced since")
    assert axe.violations(page) == []
    screenshot(page, "trackers-6-not-synced")


def test_the_ticket_page_links_an_existing_issue(live_server, page, login, editor, item,
                                                 github, screenshot):
    from tests.trackers.servers import connect

    connect(github)
    github.issues["7"] = {"title": "Canary", "body": "", "state": "open", "keys": []}
    page.set_default_timeout(10_000)
    login(editor)
    page.goto(f"{live_server.url}/incidents/{item.incident_id}/")
    page.locator(f"#action-{item.pk}").get_by_role("link", name="Link existing").click()
    page.get_by_label("Existing ticket").fill("https://github.com/acme/shop/issues/99")
    page.get_by_role("button", name="Link existing").click()
    expect(page.locator("#id_reference")).to_have_value("https://github.com/acme/shop/issues/99")
    expect(page.get_by_text("has no issue")).to_be_visible()
    assert axe.violations(page) == []
    screenshot(page, "trackers-7-link-refused")
    page.get_by_label("Existing ticket").fill("#7")
    page.get_by_role("button", name="Link existing").click()
    expect(page.get_by_role("alert")).to_contain_text("Linked acme/shop#7")
    expect(page.locator(f"#action-{item.pk}").get_by_role("link", name="acme/shop#7")) \
        .to_be_visible()
