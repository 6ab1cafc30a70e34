"""The timeline is edited in place with htmx, and the same forms work with JS off."""

from datetime import UTC, datetime, timedelta

import pytest

from postmortems.models import TimelineEntry
from tests.factories import T0

pytestmark = pytest.mark.django_db
HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def pm(make):
    return make.postmortem()


def texts(pm):
    return list(pm.timeline.values_list("text", flat=True))


def test_adding_with_htmx_returns_the_sorted_timeline_fragment(editor_client, pm, make):
    make.timeline_entry(pm, T0 + timedelta(minutes=10), "later")
    response = editor_client.post(f"/incidents/{pm.incident_id}/timeline/", {
        "entry-at": "2026-03-04T10:05:07", "entry-kind": "alert", "entry-text": "earlier"},
        **HTMX)
    assert response.status_code == 200
    content = response.content.decode()
    assert content.lstrip().startswith('<section id="timeline"')
    assert content.index("earlier") < content.index("later")
    assert texts(pm) == ["earlier", "later"]
    assert pm.timeline.get(text="earlier").at == datetime(2026, 3, 4, 10, 5, 7, tzinfo=UTC)


def test_adding_without_js_redirects_back_to_the_timeline(editor_client, pm):
    response = editor_client.post(f"/incidents/{pm.incident_id}/timeline/", {
        "entry-at": "2026-03-04T10:05", "entry-kind": "note", "entry-text": "plain post"})
    assert response.status_code == 302
    assert response["Location"] == f"/incidents/{pm.incident_id}/postmortem/#timeline"
    assert texts(pm) == ["plain post"]


def test_a_bad_entry_is_shown_back_with_the_error(editor_client, pm):
    for extra in ({}, HTMX):
        response = editor_client.post(f"/incidents/{pm.incident_id}/timeline/", {
            "entry-at": "yesterday", "entry-kind": "note", "entry-text": "kept"}, **extra)
        assert response.status_code == 400
        assert "Enter a UTC date and time" in response.content.decode()
        assert "kept" in response.content.decode()
    assert texts(pm) == []


def test_editing_in_place_swaps_the_row_for_a_form_and_back(editor_client, pm, make):
    entry = make.timeline_entry(pm, T0, "typo")
    form = editor_client.get(f"/timeline/{entry.pk}/edit/", **HTMX)
    assert form["HX-Retarget"] == f"#entry-{entry.pk}"
    assert f'name="edit-{entry.pk}-text"' in form.content.decode()
    response = editor_client.post(f"/timeline/{entry.pk}/edit/", {
        f"edit-{entry.pk}-at": "2026-03-04T10:00:00", f"edit-{entry.pk}-kind": "note",
        f"edit-{entry.pk}-text": "fixed"}, **HTMX)
    assert response.status_code == 200
    assert "fixed" in response.content.decode()
    assert texts(pm) == ["fixed"]
    row = editor_client.get(f"/timeline/{entry.pk}/", **HTMX)
    assert row.content.decode().lstrip().startswith('<li class="list-group-item d-flex')


def test_editing_without_js_uses_a_page_and_a_redirect(editor_client, pm, make):
    entry = make.timeline_entry(pm, T0, "typo")
    page = editor_client.get(f"/timeline/{entry.pk}/edit/")
    assert page.status_code == 200
    assert "<html" in page.content.decode()
    response = editor_client.post(f"/timeline/{entry.pk}/edit/", {
        f"edit-{entry.pk}-at": "2026-03-04T10:00:00", f"edit-{entry.pk}-kind": "note",
        f"edit-{entry.pk}-text": "fixed"})
    assert response.status_code == 302
    assert texts(pm) == ["fixed"]


def test_deleting_returns_the_fragment_and_keeps_history(editor_client, pm, make):
    entry = make.timeline_entry(pm, T0, "gone")
    response = editor_client.post(f"/timeline/{entry.pk}/delete/", **HTMX)
    assert response.status_code == 200
    assert "gone" not in response.content.decode()
    assert TimelineEntry.history.filter(id=entry.pk, history_type="-").exists()
    assert editor_client.get(f"/timeline/{entry.pk}/delete/").status_code == 405


def test_pasted_lines_are_added_and_bad_lines_shown_back(editor_client, pm):
    response = editor_client.post(f"/incidents/{pm.incident_id}/timeline/paste/", {
        "paste-lines": "10:05 [alert] 5xx above 2%\nno time here\n"
                       "2026-03-04T10:20:00Z Rolled back\n25:99 nonsense"}, **HTMX)
    content = response.content.decode()
    assert response.status_code == 200
    assert texts(pm) == ["5xx above 2%", "Rolled back"]
    assert "2 lines could not be read" in content
    assert "Line 2: <code>no time here</code>" in content
    assert "no time here\n25:99 nonsense</textarea>" in content


def test_pasting_without_js_shows_bad_lines_on_the_page(editor_client, pm):
    response = editor_client.post(f"/incidents/{pm.incident_id}/timeline/paste/", {
        "paste-lines": "garbage"})
    assert response.status_code == 400
    assert "Line 1: <code>garbage</code>" in response.content.decode()
    assert texts(pm) == []


def test_the_guides_timeline_table_pastes_and_a_far_date_is_refused_on_its_line(editor_client,
                                                                                 pm):
    table = ("| Time | Event |\n|------|-------|\n| 09:12 | First alert fired |\n"
             "| 09:15 | On-call acknowledged |\n| 9999-12-31 23:59 | far away |\n"
             "| 09:31 | Root cause identified |\n")
    response = editor_client.post(f"/incidents/{pm.incident_id}/timeline/paste/",
                                 {"paste-lines": table}, **HTMX)
    assert response.status_code == 200
    assert texts(pm) == ["First alert fired", "On-call acknowledged", "Root cause identified"]
    assert "Line 5: <code>| 9999-12-31 23:59 | far away |</code>" in response.content.decode()
