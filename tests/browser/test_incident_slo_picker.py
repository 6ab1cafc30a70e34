"""Naming the SLOs an incident hit among many, by keyboard alone, in a real Chromium: the
incident's services' SLOs first, a search for the others, one page of them at a time."""

import pytest

from slos import impacts
from slos.views.incidents import PICKER_PAGE_SIZE
from tests import factories
from tests.browser import axe

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_an_slo_found_by_a_search_is_linked_by_keyboard(live_server, page, login, editor,
                                                        offline_source, screenshot):
    checkout = factories.service("Checkout")
    for service in (checkout, *(factories.service(f"Service {n:02}") for n in range(12))):
        for kind in ("availability", "latency", "freshness"):
            factories.slo(offline_source, service, name=f"{service.name} {kind}")
    incident = factories.incident(title="Checkout 5xx after a bad deploy", services=[checkout])
    impacts.set_slos(incident, [checkout.slos.get(name="Checkout latency")])
    login(editor)

    page.goto(f"{live_server.url}/slos/incidents/{incident.pk}/")
    linked = page.get_by_role("group", name="Linked to this incident")
    assert linked.get_by_role("checkbox").count() == 1
    assert linked.get_by_role("checkbox", name="Checkout · Checkout latency").is_checked()
    others = page.get_by_role("group", name="Other SLOs (those of the incident's services first)")
    assert others.get_by_role("checkbox").count() == PICKER_PAGE_SIZE
    assert others.get_by_role("checkbox").first.get_attribute("id") == \
        f"slo-{checkout.slos.get(name='Checkout availability').pk}"
    assert page.get_by_role("navigation", name="Pages").is_visible()
    assert axe.violations(page) == []
    screenshot(page, "incident-slos-first-page")

    search = page.get_by_label("Find by SLO or service name")
    search.focus()
    page.keyboard.type("service 07 lat")
    page.keyboard.press("Enter")  # the search, not the save
    page.wait_for_url("**?q=service+07+lat")
    found = page.get_by_role("group", name="Other SLOs matching “service 07 lat”")
    assert found.get_by_role("checkbox").count() == 1
    assert page.evaluate("document.activeElement.id") == "slo-q"  # back in the search field
    page.keyboard.press("Tab")  # Find, Clear, then the checkbox
    page.keyboard.press("Tab")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.labels[0].textContent") == \
        "Service 07 · Service 07 latency"
    page.keyboard.press("Space")
    assert axe.violations(page) == []
    screenshot(page, "incident-slos-search")
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")  # Save
    page.wait_for_url(f"**/incidents/{incident.pk}/")
    assert page.get_by_text("Saved the SLOs this incident hit.").is_visible()
    assert set(incident.slo_impacts.values_list("slo__name", flat=True)) == {
        "Checkout latency", "Service 07 latency"}
