"""A refused edit reopened as a merge, from the history: the refused values (kept in the
EditConflict) beside the object as it is now, in the same merge form the conflict page showed,
posting to the object's own edit view. Saving it is the merge (the conflict is then marked
merged, see concurrency._mark_merged)."""

from django.apps import apps
from django.core.exceptions import FieldDoesNotExist
from django.urls import reverse

from postmortems.revisions.concurrency import Conflict


def _editing(instance):
    """(form class, form kwargs, edit URL) for an object that can be merged, else None."""
    from postmortems.forms import ActionItemForm, TimelineEntryForm, WhyForm
    from postmortems.meetings.forms import SectionNotesForm
    from postmortems.views.editor import document_form_class

    kind = instance._meta.model_name
    if kind == "postmortem":
        return (document_form_class(instance), {},
                reverse("postmortems:postmortem_edit", args=[instance.incident_id]))
    if kind == "timelineentry":
        return (TimelineEntryForm, {"prefix": f"edit-{instance.pk}"},
                reverse("postmortems:timeline_edit", args=[instance.pk]))
    if kind == "why":
        return WhyForm, {"prefix": "why"}, reverse("postmortems:why_edit", args=[instance.pk])
    if kind == "actionitem":
        return (ActionItemForm, {"prefix": "action", "incident": instance.incident},
                reverse("postmortems:action_edit", args=[instance.pk]))
    if kind == "meetingsection":
        return (SectionNotesForm, {"prefix": f"notes-{instance.key}"},
                reverse("meetings:notes", args=[instance.meeting_id, instance.key]))
    return None


def target_of(record):
    """The object an EditConflict is about, as it is now (None when it is gone)."""
    try:
        model = apps.get_model(record.model)
    except LookupError:
        return None
    return model._default_manager.filter(pk=record.object_id).first()


def reopened(record, instance):
    """(Conflict, form, edit URL) rebuilt from the record; None when the object cannot be
    merged from a form."""
    editing = _editing(instance)
    if editing is None:
        return None
    form_class, kwargs, url = editing
    yours = {}
    for name, value in record.attempted.items():
        try:
            field = instance._meta.get_field(name)
        except FieldDoesNotExist:  # a field removed since: nothing to merge into
            continue
        yours[name] = value if field.is_relation else field.to_python(value)
    form = form_class(instance=instance, **kwargs)
    conflict = Conflict(instance, yours, record.fields, record.base_version, record=record,
                        form=form)
    return conflict, form, url
