"""An action item is edited where it stands in the postmortem editor: htmx swaps its row for
its form; saved, the row is read back from the actions section (its orphan and overdue state
current), so input elsewhere stays. Elsewhere (the tracker) the own page is used as before."""

from datetime import date

import pytest

from postmortems.models import ActionItem

pytestmark = pytest.mark.django_db
HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def item(make, editor):
    pm = make.postmortem()
    return make.action_item(pm.incident, "Alert on pool saturation", owner=None,
                            due=date(2099, 1, 1), ticket="OPS-1")


def data(item, **changes):
    return {"action-priority": item.priority, "action-text": item.text,
            "action-due": "2099-01-01", "action-ticket": item.ticket, "action-status": "open",
            "action-version": item.version, **{f"action-{k}": v for k, v in changes.items()}}


def test_the_editor_offers_edit_in_place(editor_client, item):
    page = editor_client.get(f"/incidents/{item.incident_id}/postmortem/").content.decode()
    assert (f'hx-get="/actions/{item.pk}/edit/" hx-target="#action-{item.pk}" '
            'hx-swap="outerHTML"') in page
    tracker = editor_client.get("/actions/").content.decode()
    assert f'hx-get="/actions/{item.pk}/edit/"' not in tracker  # its own page there


def test_edit_in_place_answers_with_the_rows_form(editor_client, item):
    html = editor_client.get(f"/actions/{item.pk}/edit/", **HTMX).content.decode()
    assert html.lstrip().split(">")[0] == f'<tr id="action-{item.pk}"'
    assert f'hx-select="#action-{item.pk}"' in html
    assert 'placeholder="YYYY-MM-DD"' in html
    assert "<html" not in html


def test_saving_in_place_answers_with_the_section_holding_the_new_row(
        editor_client, editor, item):
    response = editor_client.post(f"/actions/{item.pk}/edit/",
                                  data(item, owner=editor.pk, due="+7d"), **HTMX)
    assert response.status_code == 200
    html = response.content.decode()
    assert f'<tr id="action-{item.pk}">' in html  # no longer orphaned: no table-danger
    item.refresh_from_db()
    assert item.owner == editor and item.version == 2
    assert not ActionItem.objects.orphaned().exists()


def test_a_bad_due_date_comes_back_in_the_rows_form(editor_client, item):
    response = editor_client.post(f"/actions/{item.pk}/edit/", data(item, due="soon"), **HTMX)
    assert response.status_code == 400
    html = response.content.decode()
    assert "“soon” is not a date" in html and f'id="action-{item.pk}"' in html


def test_a_stale_save_in_place_shows_the_conflict_in_the_section(editor_client, item):
    stale = data(item, text="Mine")
    ActionItem.objects.filter(pk=item.pk).update(text="Theirs", version=2)
    response = editor_client.post(f"/actions/{item.pk}/edit/", stale, **HTMX)
    assert response.status_code == 409
    assert (response["HX-Retarget"], response["HX-Reselect"]) == (
        "#body-actions", "[data-testid=conflict]")
    assert "Mine" in response.content.decode()
    assert ActionItem.objects.get(pk=item.pk).text == "Theirs"


def test_without_javascript_the_own_page_still_works(editor_client, item):
    assert b"<html" in editor_client.get(f"/actions/{item.pk}/edit/").content
    response = editor_client.post(f"/actions/{item.pk}/edit/?next=/actions/",
                                  data(item, ticket="OPS-2"))
    assert response.status_code == 302 and response["Location"] == "/actions/"
