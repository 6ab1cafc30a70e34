"""A timeline row is rendered once per process for what it is made of (the entry's time, kind
and text, the people the blameless hints know): on the next load it is the same HTML, with
that request's CSRF token; an entry or a name that changes is rendered afresh."""

import pytest
from django.template.loader import render_to_string

from postmortems.templatetags import postmortems as tags

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def nothing_remembered():
    tags._timeline_row_html.clear()


def row_as_rendered_now(response, entry):
    return render_to_string("postmortems/partials/timeline_row.html", {
        "entry": entry, "people": response.context["people"],
        "csrf_token": response.context["csrf_token"]})


def test_a_remembered_row_is_the_row_template_with_the_request_s_token(editor_client, make):
    pm = make.postmortem()
    entry = make.timeline_entry(pm, text="Paged the **on-call**")
    url = f"/incidents/{pm.incident_id}/postmortem/"
    first, second = editor_client.get(url), editor_client.get(url)
    assert len(tags._timeline_row_html) == 1
    for response in (first, second):
        row = row_as_rendered_now(response, entry)
        assert str(response.context["csrf_token"]) in row
        assert row in response.content.decode()
    assert str(first.context["csrf_token"]) not in second.content.decode()


def test_an_edited_entry_is_rendered_afresh(editor_client, make):
    pm = make.postmortem()
    entry = make.timeline_entry(pm, text="Paged the on-call")
    url = f"/incidents/{pm.incident_id}/postmortem/"
    editor_client.get(url)
    entry.text = "Rolled back the deploy"
    entry.save()
    content = editor_client.get(url).content.decode()
    assert "Rolled back the deploy" in content and "Paged the on-call" not in content


def test_a_new_name_changes_the_hints(editor_client, make, django_user_model):
    pm = make.postmortem()
    make.timeline_entry(pm, text="Outage caused by Zoltan")
    url = f"/incidents/{pm.incident_id}/postmortem/"
    assert "A person is named as the cause" not in editor_client.get(url).content.decode()
    django_user_model.objects.create_user("zoltan", first_name="Zoltan")
    assert "A person is named as the cause" in editor_client.get(url).content.decode()
