"""A 5-whys chain has one root cause: ticking it on another why moves the mark (the editor),
a form that would add a second one is refused with a message, and so is the database."""

import pytest
from django import forms
from django.db import IntegrityError, connection, transaction

from postmortems.models import ContributingFactor, Why

pytestmark = pytest.mark.django_db


class WhyWithItsPostmortemForm(forms.ModelForm):
    """A form that names the postmortem (as the admin's does) and does not move the mark."""

    class Meta:
        model = Why
        fields = ["postmortem", "position", "question", "answer", "is_root_cause"]


def test_a_second_root_cause_is_refused_by_the_database(make):
    pm = make.postmortem()
    make.why(pm, 1, is_root_cause=True)
    refused = pytest.raises(IntegrityError, match="postmortems_why_one_root_cause")
    with refused, transaction.atomic():
        make.why(pm, 2, is_root_cause=True)
    other = make.postmortem(make.incident("Another"))
    make.why(other, 1, is_root_cause=True)  # one per chain, not one in all


def test_a_second_root_cause_is_refused_by_a_form_with_a_clear_message(make):
    pm = make.postmortem()
    make.why(pm, 1, is_root_cause=True)
    form = WhyWithItsPostmortemForm({"postmortem": pm.pk, "position": 2, "question": "Why?",
                                     "answer": "", "is_root_cause": "on"})
    assert not form.is_valid()
    assert "This chain already has a root cause" in str(form.errors)


def test_set_root_cause_moves_the_mark(make, editor):
    pm = make.postmortem()
    first = make.why(pm, 1, is_root_cause=True)
    second = make.why(pm, 2)
    Why.objects.set_root_cause(second, user=editor)
    assert list(pm.whys.values_list("position", "is_root_cause")) == [(1, False), (2, True)]
    first.refresh_from_db()
    assert (first.version, first.history.latest().history_user) == (2, editor)


def test_appending_a_root_cause_takes_the_mark(make):
    pm = make.postmortem()
    make.why(pm, 1, is_root_cause=True)
    Why.objects.append(Why(postmortem=pm, question="Why 2?", is_root_cause=True))
    assert list(pm.whys.values_list("position", "is_root_cause")) == [(1, False), (2, True)]


def test_ticking_root_cause_when_editing_a_why_moves_the_mark(editor_client, make):
    pm = make.postmortem()
    first = make.why(pm, 1, question="Why 1?", is_root_cause=True)
    second = make.why(pm, 2, question="Why 2?")
    response = editor_client.post(f"/whys/{second.pk}/edit/", {
        "why-question": "Why 2, sharper?", "why-answer": "A limit.", "why-is_root_cause": "on",
        "why-version": second.version})
    assert response.status_code == 302
    assert list(pm.whys.values_list("question", "is_root_cause")) == [
        ("Why 1?", False), ("Why 2, sharper?", True)]
    first.refresh_from_db()
    assert first.version == 2


@pytest.mark.parametrize("url", ["add", "edit"])
def test_an_empty_question_with_root_cause_ticked_is_a_form_error(editor_client, make, url):
    pm = make.postmortem()
    why = make.why(pm, 1, question="Why 1?")
    target = f"/incidents/{pm.incident_id}/whys/" if url == "add" else f"/whys/{why.pk}/edit/"
    response = editor_client.post(target, {"why-question": "", "why-answer": "A limit.",
                                          "why-is_root_cause": "on"})
    assert response.status_code == 400
    assert "This field is required." in response.content.decode()
    assert list(pm.whys.values_list("question", "is_root_cause")) == [("Why 1?", False)]


def test_factor_positions_are_unique_per_postmortem(make):
    pm = make.postmortem()
    ContributingFactor.objects.create(postmortem=pm, position=1, text="No canary")
    refused = pytest.raises(IntegrityError, match="postmortems_factor_unique_position")
    with refused, transaction.atomic(), connection.cursor() as cursor:
        ContributingFactor.objects.create(postmortem=pm, position=1, text="Peak traffic")
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # checked now, not at commit
    ContributingFactor.objects.append(ContributingFactor(postmortem=pm, text="Peak traffic"))
    assert list(pm.factors.values_list("position", "text")) == [
        (1, "No canary"), (2, "Peak traffic")]
