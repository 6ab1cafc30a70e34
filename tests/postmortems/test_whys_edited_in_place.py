"""A why (and a contributing factor) is edited where it stands in the editor: htmx swaps its
row for its form and back, nothing else on the page is re-rendered; the version rule, the one
root cause and the numbering hold; without JavaScript the own-page form still works."""

import pytest

HTMX = {"HTTP_HX_REQUEST": "true"}

pytestmark = pytest.mark.django_db


def in_place(client, url, data=None, target=None):
    headers = {**HTMX, **({"HTTP_HX_TARGET": target} if target else {})}
    if data is None:
        return client.get(url, **headers)
    return client.post(url, data, **headers)


def test_edit_turns_the_row_into_its_form_and_cancel_back(editor_client, make):
    pm = make.postmortem()
    why = make.why(pm, 1, question="Why did checkout fail?")
    form = in_place(editor_client, f"/whys/{why.pk}/edit/").content.decode()
    assert form.lstrip().startswith(f'<li data-position="1" class="" id="why-{why.pk}">')
    assert 'aria-label="Edit why 1"' in form
    assert f'hx-post="/whys/{why.pk}/edit/"' in form
    assert 'name="why-version"' in form
    assert "<html" not in form  # a row, not a page
    row = in_place(editor_client, f"/whys/{why.pk}/").content.decode()
    assert f'id="why-{why.pk}"' in row
    assert "Why did checkout fail?" in row
    assert "<form" in row and 'aria-label="Edit why 1"' not in row


def test_saving_in_place_answers_with_the_row_only(editor_client, make):
    pm = make.postmortem()
    why = make.why(pm, 1)
    response = in_place(editor_client, f"/whys/{why.pk}/edit/", {
        "why-question": "Why did it wait?", "why-answer": "The pool had 10 connections.",
        "why-version": why.version}, target=f"why-{why.pk}")
    assert response.status_code == 200
    html = response.content.decode()
    assert html.count("<li") == 1
    assert "The pool had 10 connections." in html
    assert "Add why" not in html  # the add form (and what is typed there) is left alone
    why.refresh_from_db()
    assert (why.answer, why.version) == ("The pool had 10 connections.", 2)


def test_moving_the_root_cause_in_place_also_updates_the_former_one(editor_client, make):
    pm = make.postmortem()
    first = make.why(pm, 1, question="Why 1?", is_root_cause=True)
    second = make.why(pm, 2, question="Why 2?")
    html = in_place(editor_client, f"/whys/{second.pk}/edit/", {
        "why-question": "Why 2?", "why-answer": "No check.", "why-is_root_cause": "on",
        "why-version": second.version}, target=f"why-{second.pk}").content.decode()
    assert list(pm.whys.values_list("position", "is_root_cause")) == [(1, False), (2, True)]
    assert html.count("Root cause</span>") == 1
    assert f'<li hx-swap-oob="true" data-position="1" class="" id="why-{first.pk}">' in html


def test_a_bad_edit_comes_back_in_its_form_with_the_input(editor_client, make):
    pm = make.postmortem()
    why = make.why(pm, 1)
    response = in_place(editor_client, f"/whys/{why.pk}/edit/", {
        "why-question": "", "why-answer": "Kept answer", "why-version": why.version})
    assert response.status_code == 400
    html = response.content.decode()
    assert "invalid-feedback" in html and "Kept answer" in html
    assert 'aria-label="Edit why 1"' in html


def test_a_stale_edit_in_place_shows_the_conflict_and_its_merge_saves_the_section(
        editor_client, make):
    pm = make.postmortem()
    why = make.why(pm, 1, question="Why?", answer="Old")
    why.answer = "Theirs"
    why.version += 1
    why.save()
    response = in_place(editor_client, f"/whys/{why.pk}/edit/", {
        "why-question": "Why?", "why-answer": "Mine", "why-version": 1})
    assert response.status_code == 409
    assert response["HX-Retarget"] == "#body-whys"
    html = response.content.decode()
    assert 'data-testid="conflict"' in html and "Mine" in html and "Theirs" in html
    why.refresh_from_db()
    assert why.answer == "Theirs"
    merged = in_place(editor_client, f"/whys/{why.pk}/edit/", {
        "why-question": "Why?", "why-answer": "Merged", "why-version": why.version},
        target="body-whys")
    assert merged.status_code == 200
    assert "Add why 2" in merged.content.decode()  # the whole section again
    why.refresh_from_db()
    assert why.answer == "Merged"


def test_without_javascript_the_own_page_form_still_works(editor_client, make):
    pm = make.postmortem()
    why = make.why(pm, 1)
    assert b"<html" in editor_client.get(f"/whys/{why.pk}/edit/").content
    response = editor_client.post(f"/whys/{why.pk}/edit/", {
        "why-question": "Why?", "why-answer": "Plain post", "why-version": why.version})
    assert response.status_code == 302
    assert response["Location"].endswith(f"/postmortem/#why-{why.pk}")
    assert editor_client.get(f"/whys/{why.pk}/")["Location"].endswith(f"#why-{why.pk}")


def test_a_viewer_cannot_edit_or_open_the_row(viewer_client, make):
    pm = make.postmortem()
    why = make.why(pm, 1)
    factor = pm.factors.create(text="No canary")
    assert in_place(viewer_client, f"/whys/{why.pk}/edit/", {
        "why-question": "x", "why-version": 1}).status_code == 403
    assert in_place(viewer_client, f"/whys/{why.pk}/").status_code == 403
    assert in_place(viewer_client, f"/factors/{factor.pk}/edit/", {
        "factor-text": "x", "factor-version": 1}).status_code == 403


def test_a_factor_is_edited_in_place_too(editor_client, make):
    pm = make.postmortem()
    factor = pm.factors.create(text="No canary")
    form = in_place(editor_client, f"/factors/{factor.pk}/edit/").content.decode()
    assert 'aria-label="Edit factor"' in form and 'value="No canary"' in form
    html = in_place(editor_client, f"/factors/{factor.pk}/edit/", {
        "factor-text": "No canary for config changes", "factor-version": factor.version},
        target=f"factor-{factor.pk}").content.decode()
    assert html.count("<li") == 1 and "No canary for config changes" in html
    assert in_place(editor_client, f"/factors/{factor.pk}/edit/", {
        "factor-text": "", "factor-version": 2}).status_code == 400
    plain = editor_client.post(f"/factors/{factor.pk}/edit/", {
        "factor-text": "Peak traffic", "factor-version": 2})
    assert plain.status_code == 302
    assert list(pm.factors.values_list("position", "text")) == [(1, "Peak traffic")]
    assert in_place(editor_client, f"/factors/{factor.pk}/").status_code == 200
