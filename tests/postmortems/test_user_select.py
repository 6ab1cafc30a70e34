"""The owner picker renders its options in one pass (issue 9: a select of 200 users cost the
editor 6.5 ms through one template per option) and stays the same select: the same markup as
Django's, the current owner selected, names escaped."""

import re

import pytest
from django import forms

from postmortems.fields import UserSelect, user_choices
from postmortems.forms import ActionItemForm
from tests import factories

CHOICES = [("", "— nobody yet —"), ("1", "Ada <Lovelace> & co"), ("2", "Grace")]


def squeezed(html):
    return re.sub(r">\s+<", "><", html)


def test_it_renders_what_djangos_select_renders():
    attrs = {"class": "form-select", "id": "id_owner", "disabled": True, "required": False}
    for value in ("2", "", None):
        assert squeezed(UserSelect(choices=CHOICES).render("owner", value, attrs)) == \
            squeezed(forms.Select(choices=CHOICES).render("owner", value, attrs))


def test_the_owner_is_selected_and_names_are_escaped():
    html = UserSelect(choices=CHOICES).render("owner", "1")
    assert '<option value="1" selected>Ada &lt;Lovelace&gt; &amp; co</option>' in html
    assert '<option value="2">Grace</option>' in html
    assert "<Lovelace>" not in html


def test_the_action_form_owner_field_uses_it(db, editor):
    form = ActionItemForm(prefix="action", incident=factories.incident(), users=user_choices())
    html = str(form["owner"])
    assert html.startswith('<select name="action-owner"')
    assert f'<option value="{editor.pk}">' in html


def test_the_choices_are_taken_as_given_and_still_checked(db, editor, django_user_model):
    """user_choices' list is in Django's normal form already: a form of a page with many
    owner pickers (a review meeting's rows) takes it as it is, not copied item by item."""
    other = django_user_model.objects.create(username="not-listed")
    choices = [("", "— nobody yet —"), (str(editor.pk), "Erin")]
    form = ActionItemForm(prefix="action", incident=factories.incident(), users=choices)
    field = form.fields["owner"]
    assert list(field.choices) == choices == list(field.widget.choices)
    assert field.choices.choices is choices
    assert field.clean(str(editor.pk)) == editor
    assert field.clean("") is None
    with pytest.raises(forms.ValidationError):
        field.clean(str(other.pk))  # active, but not among the choices given
