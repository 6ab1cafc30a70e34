"""{{ field|as_field }} is crispy's field HTML, remembered by what it is made of (issue 9: the
editor rendered the same empty add forms through crispy's templates on every load): the same
HTML as |as_crispy_field for empty, filled and invalid forms, and never another field's."""

import pytest
from crispy_forms.templatetags.crispy_forms_filters import as_crispy_field

from postmortems.forms import (
    ActionFilterForm,
    ActionItemForm,
    ContributingFactorForm,
    StandardPostmortemForm,
    TimelineEntryForm,
    WhyForm,
)
from postmortems.templatetags.postmortems import as_field

pytestmark = pytest.mark.django_db


def forms(incident):
    yield WhyForm(prefix="why", initial={"question": "Why?"})
    yield WhyForm(prefix="why", initial={"question": "Why not?"})
    yield WhyForm(prefix="why", data={"why-question": "Why?", "why-answer": "Retries"})
    yield WhyForm(prefix="why", data={"why-question": "", "why-answer": "Retries"})
    yield TimelineEntryForm(prefix="entry", initial={"at": incident.started_at})
    yield TimelineEntryForm(prefix="entry", initial={"at": incident.started_at, "kind": "alert"})
    yield TimelineEntryForm(prefix="entry", initial={"at": incident.detected_at})
    yield StandardPostmortemForm(instance=incident.postmortem)
    yield ContributingFactorForm(prefix="factor")
    yield TimelineEntryForm(prefix="entry", data={"entry-at": "not a time", "entry-text": "x"})
    yield ActionItemForm(prefix="action", incident=incident)
    yield ActionItemForm(prefix="action", incident=incident, data={"action-text": ""})
    yield ActionItemForm(prefix="action", incident=incident, initial={"priority": "P2"})
    yield ActionFilterForm()
    yield ActionFilterForm(data={"orphaned": "on"})
    yield ActionFilterForm(data={"overdue": "on", "status": "done", "sort": "priority"})
    yield ActionFilterForm(data={"status": "no such status", "service": "0"})


def test_it_is_crispys_html_every_time(postmortem):
    incident = postmortem.incident
    for _ in range(2):  # rendered, then remembered
        for form in forms(incident):
            for field in form:
                assert as_field(field) == as_crispy_field(field), field.html_name


def test_a_field_that_changes_is_rendered_again(postmortem, django_user_model):
    incident = postmortem.incident
    form = ActionItemForm(prefix="action", incident=incident)
    before = as_field(form["owner"])
    django_user_model.objects.create_user("newcomer")
    after = as_field(ActionItemForm(prefix="action", incident=incident)["owner"])
    assert "newcomer" not in before and "newcomer" in after


def test_an_empty_field_with_another_value_is_rendered_again(postmortem):
    incident = postmortem.incident
    first = as_field(TimelineEntryForm(prefix="entry", initial={"at": incident.started_at})["at"])
    other = as_field(TimelineEntryForm(prefix="entry",
                                       initial={"at": incident.detected_at})["at"])
    assert first != other
    chosen = as_field(ActionItemForm(prefix="action", incident=incident,
                                     initial={"priority": "P2"})["priority"])
    assert 'value="P2" selected' in chosen
    assert 'value="P2" selected' not in as_field(
        ActionItemForm(prefix="action", incident=incident)["priority"])


def test_a_filled_field_with_another_value_is_rendered_again():
    """The tracker's filters are a filled form: each page shows the choices it was asked for."""
    def orphaned_only(data):
        return as_field(ActionFilterForm(data=data)["orphaned"])

    assert "checked" in orphaned_only({"orphaned": "on"})
    assert "checked" not in orphaned_only({"overdue": "on"})
    assert "checked" in orphaned_only({"orphaned": "on"})
    assert 'value="done" selected' in as_field(ActionFilterForm(data={"status": "done"})["status"])
    assert 'value="done" selected' not in as_field(
        ActionFilterForm(data={"status": "open"})["status"])


def test_model_choices_are_remembered_until_they_change(postmortem, make, monkeypatch):
    """The links to whys are a model choice: the same list is not rendered twice, a new why
    is in the next one."""
    from crispy_forms.templatetags import crispy_forms_filters

    rendered = []

    def counted(field):
        rendered.append(field.html_name)
        return as_crispy_field(field)

    monkeypatch.setattr(crispy_forms_filters, "as_crispy_field", counted)
    incident = postmortem.incident
    make.why(postmortem, answer="Pool exhausted")

    def links_to_whys():
        return as_field(ActionItemForm(prefix="action", incident=incident)["addresses_why"])

    first = links_to_whys()
    assert links_to_whys() == first and len(rendered) <= 1
    make.why(postmortem, position=2, answer="Retries without backoff")
    assert "Retries without backoff" in links_to_whys()


def test_the_memory_is_bounded(postmortem, monkeypatch):
    from postmortems.templatetags import postmortems as tags

    monkeypatch.setattr(tags, "_field_html", {})
    monkeypatch.setattr(tags, "FIELD_CACHE_SIZE", 3)
    for n in range(10):
        form = WhyForm(prefix="why", initial={"question": f"Why {n}?"})
        assert as_field(form["question"]) == as_crispy_field(form["question"])
        assert len(tags._field_html) <= 3
    long = WhyForm(prefix="why", initial={"answer": "x" * tags.FIELD_CACHE_LARGEST})
    assert as_field(long["answer"]) == as_crispy_field(long["answer"])
    assert all(len(html) <= tags.FIELD_CACHE_LARGEST for html in tags._field_html.values())


def test_model_choices_are_read_in_one_plain_query():
    """Not through a server-side cursor (DECLARE, FETCH, CLOSE: three round trips), nor
    counted first."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from postmortems.models import Service

    Service.objects.create(name="Checkout", slug="checkout")
    with CaptureQueriesContext(connection) as ctx:
        html = as_field(ActionFilterForm(data={"service": ""})["service"])
    assert "Checkout" in html
    assert [q["sql"].split()[0] for q in ctx.captured_queries] == ["SELECT"]
