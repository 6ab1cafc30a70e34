"""The page naming the SLOs an incident hit stays one page however many SLOs there are: the
linked SLOs, then one page of the others (the incident's services' first) or of those a search
finds. Saving changes only the SLOs the page showed."""

import re

import pytest

from slos import impacts
from slos.models import IncidentImpact
from slos.views.incidents import PICKER_PAGE_SIZE
from tests import factories

pytestmark = pytest.mark.django_db

URL = "/slos/incidents/{}/"


@pytest.fixture
def world(offline_source):
    """Checkout (the incident's service) with 3 SLOs; Payments and Search with 20 each."""
    checkout = factories.service("Checkout")
    slos = {}
    for service, count in ((checkout, 3), (factories.service("Payments"), 20),
                           (factories.service("Search"), 20)):
        for i in range(count):
            slo = factories.slo(offline_source, service, name=f"{service.name} SLO {i:02}")
            slos[slo.name] = slo
    incident = factories.incident(services=[checkout])
    return incident, slos


def listed(page, testid):
    """The labels of the checkboxes in one fieldset, and which of them are checked."""
    fieldset = re.search(rf'<fieldset[^>]*data-testid="{testid}".*?</fieldset>', page, re.S)
    rows = re.findall(r'<input class="form-check-input" type="checkbox" name="slos" '
                      r'value="(\d+)" id="slo-\1"( checked)?>.*?<label[^>]*>([^<]*)</label>',
                      fieldset.group(0), re.S)
    return [(label.split(" — ")[0], bool(checked)) for _pk, checked, label in rows]


def test_the_linked_slos_then_one_page_of_the_others_their_services_first(
        editor_client, world):
    incident, slos = world
    impacts.set_slos(incident, [slos["Search SLO 07"]])
    page = editor_client.get(URL.format(incident.pk)).content.decode()
    assert listed(page, "linked-slos") == [("Search · Search SLO 07", True)]
    others = listed(page, "other-slos")
    assert len(others) == PICKER_PAGE_SIZE
    assert others[:4] == [("Checkout · Checkout SLO 00", False),
                          ("Checkout · Checkout SLO 01", False),
                          ("Checkout · Checkout SLO 02", False),
                          ("Payments · Payments SLO 00", False)]
    assert "1\N{EN DASH}25 of 42" in page and "Page 1 of 2" in page
    last = editor_client.get(URL.format(incident.pk) + "?page=2").content.decode()
    assert listed(last, "other-slos")[-1] == ("Search · Search SLO 19", False)
    assert "Search SLO 07" not in str(listed(last, "other-slos"))  # linked: listed above


def test_a_search_finds_slos_by_every_word_in_their_name_or_service(editor_client, world):
    incident, _slos = world
    page = editor_client.get(URL.format(incident.pk) + "?q=search+1").content.decode()
    assert [label for label, _ in listed(page, "other-slos")] == [
        f"Search · Search SLO {i:02}" for i in (1, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19)]
    assert "Other SLOs matching “search 1”" in page and 'value="search 1"' in page
    by_slug = editor_client.get(URL.format(incident.pk) + "?q=PAYMENTS").content.decode()
    assert len(listed(by_slug, "other-slos")) == 20
    nothing = editor_client.get(URL.format(incident.pk) + "?q=nowhere").content.decode()
    assert "No other SLO matches “nowhere”." in nothing


def test_the_pages_of_a_search_keep_the_search(editor_client, world):
    incident, _slos = world
    page = editor_client.get(URL.format(incident.pk) + "?q=slo").content.decode()
    assert 'href="?q=slo&page=2"' in page
    second = editor_client.get(URL.format(incident.pk) + "?q=slo&page=2").content.decode()
    assert "26\N{EN DASH}43 of 43" in second


def test_the_search_field_and_the_checkboxes_are_labelled(editor_client, world):
    incident, _slos = world
    page = editor_client.get(URL.format(incident.pk)).content.decode()
    assert '<label class="form-label" for="slo-q">Find by SLO or service name</label>' in page
    assert 'type="search" name="q" id="slo-q"' in page and 'form="slo-search"' in page
    assert '<form method="get" id="slo-search" role="search" aria-label="Find SLOs">' in page
    for pk in re.findall(r'type="checkbox" name="slos" value="(\d+)"', page):
        assert f'<label class="form-check-label" for="slo-{pk}">' in page


def test_saving_changes_only_the_slos_the_page_showed(editor_client, world):
    incident, slos = world
    kept, dropped, added = slos["Search SLO 19"], slos["Checkout SLO 00"], slos["Payments SLO 03"]
    impacts.set_slos(incident, [kept, dropped])
    # The page showed `dropped` (unchecked now) and `added` (checked), not `kept` (linked by
    # somebody else since, say): `kept` stays.
    response = editor_client.post(URL.format(incident.pk), {
        "slos": [added.pk], "shown": [dropped.pk, added.pk, slos["Search SLO 01"].pk]})
    assert response.status_code == 302
    assert set(incident.slo_impacts.values_list("slo_id", flat=True)) == {kept.pk, added.pk}


def test_without_the_shown_list_the_checked_slos_are_the_whole_list(editor_client, world):
    incident, slos = world
    impacts.set_slos(incident, [slos["Search SLO 19"]])
    editor_client.post(URL.format(incident.pk), {"slos": [slos["Search SLO 01"].pk]})
    assert list(incident.slo_impacts.values_list("slo__name", flat=True)) == ["Search SLO 01"]


def test_the_page_costs_the_same_queries_however_many_slos(
        editor_client, world, offline_source, django_assert_num_queries):
    incident, slos = world
    impacts.set_slos(incident, [slos["Search SLO 07"], slos["Checkout SLO 01"]])
    IncidentImpact.objects.filter(slo=slos["Search SLO 07"]).update(
        status=IncidentImpact.Status.OK, budget_consumed=0.125, bad_events=1234)
    sizes = []
    for more in (0, 100):
        extra = factories.service("Extra")
        for i in range(more):
            factories.slo(offline_source, extra, name=f"Extra {i}")
        # session, user, the user's role (the menu), incident, linked SLOs, count, page
        with django_assert_num_queries(7):
            page = editor_client.get(URL.format(incident.pk)).content.decode()
        sizes.append(len(listed(page, "other-slos")))
    assert sizes == [PICKER_PAGE_SIZE, PICKER_PAGE_SIZE]
    assert "Search · Search SLO 07 — consumed 12.5% of the budget (1,234 bad events)" in page
    assert "Checkout · Checkout SLO 01 — not measured yet" in page


def test_viewers_read_the_page_but_cannot_save(client, viewer, world):
    incident, slos = world
    client.force_login(viewer)
    assert client.get(URL.format(incident.pk)).status_code == 200
    response = client.post(URL.format(incident.pk), {"slos": [slos["Search SLO 01"].pk]})
    assert response.status_code == 403
    assert not incident.slo_impacts.exists()
