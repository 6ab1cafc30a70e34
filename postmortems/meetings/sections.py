"""What the meeting screen shows and how its views answer.

The section bodies cost a fixed number of queries whatever the row counts: one small function
per part of the screen, each adding its rows and forms to the context.

Answers to a form: 200 + the section body for htmx, 303 to the meeting page otherwise;
400 + the form with its errors; 409 + both versions and a merge form (a stale edit). The
timeline views shared with the postmortem editor answer the meeting screen with these too.
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse

from postmortems.fields import user_choices
from postmortems.forms import ActionItemForm, TimelineEntryForm
from postmortems.meetings import forms as meeting_forms
from postmortems.models import ActionItem, Agenda, Meeting
from postmortems.permissions import can_edit, require_edit
from postmortems.revisions import changes
from postmortems.revisions.concurrency import conflict_response
from postmortems.views import is_htmx

CLOSED = "This meeting is closed; its record can no longer change."

# Form prefixes of the timeline shared with the postmortem editor (same forms, same views).
NEW_ENTRY = "entry"


def edited_entry(entry_pk):
    return f"edit-{entry_pk}"


# --- Which meeting -------------------------------------------------------------------------

def meeting_or_404(pk, **where):
    return get_object_or_404(
        Meeting.objects.select_related("postmortem__incident", "facilitator"), pk=pk, **where
    )


def open_meeting(request, pk, **where):
    """The meeting, if the user may change its postmortem (else 403) and it is still open
    (else 403: a closed record no longer changes)."""
    meeting = meeting_or_404(pk, **where)
    require_edit(request.user, meeting.postmortem)
    if meeting.is_closed:
        raise PermissionDenied(CLOSED)
    return meeting


# --- The section bodies --------------------------------------------------------------------

def _opening(context, meeting, bound, users):
    context["attendees"] = list(meeting.attendees.select_related("user"))
    context["attendee_form"] = bound.get("attendee") or meeting_forms.AttendeeForm(
        users=users, meeting=meeting, prefix="attendee")


def _timeline(context, meeting, bound, users):
    # The incident's key times are rows too (read-only here: they are the incident's).
    context["timeline"] = [
        (entry, None if entry.is_key_time else bound.get(edited_entry(entry.pk))
         or TimelineEntryForm(instance=entry, prefix=edited_entry(entry.pk)))
        for entry in meeting.postmortem.timeline_rows()
    ]
    context["entry_form"] = bound.get(NEW_ENTRY) or TimelineEntryForm(prefix=NEW_ENTRY)


def _analysis(context, meeting, bound, users):
    postmortem = meeting.postmortem
    context["whys"] = list(postmortem.whys.all())
    context["factors"] = list(postmortem.factors.all())
    context["dissent"] = list(meeting.dissenting_views.select_related("user"))
    context["dissent_form"] = bound.get("dissent") or meeting_forms.DissentForm(
        users=users, meeting=meeting, prefix="dissent")


def _actions(context, meeting, bound, users):
    incident = meeting.postmortem.incident
    orphans = {item.pk: item for item in meeting.orphaned_items()}
    items = list(ActionItem.objects.filter(incident_id=incident.pk).with_flags()
                 .select_related("owner", "ticket_link"))
    context["items"] = [
        (item, orphans.get(item.pk),
         bound.get(f"item-{item.pk}") or ActionItemForm(
             instance=item, prefix=f"item-{item.pk}", incident=incident, users=users,
             in_meeting=True),
         bound.get(f"accept-{item.pk}") or meeting_forms.AcceptOrphanForm(
             prefix=f"accept-{item.pk}"))
        for item in items
    ]
    context["unresolved"] = [item for item in orphans.values() if not item.accepted]
    context["item_form"] = bound.get("item-new") or ActionItemForm(
        prefix="item-new", incident=incident, users=users, in_meeting=True)


def _closing(context, meeting, bound, users):
    context["decisions"] = list(meeting.decisions.all())
    context["decision_form"] = bound.get("decision") or meeting_forms.DecisionForm(
        meeting=meeting, prefix="decision")


# The parts of the screen and the sections that show them (closing sums everything up).
PARTS = [
    (_opening, {Agenda.OPENING, Agenda.CLOSING}),
    (_timeline, {Agenda.TIMELINE}),
    (_analysis, {Agenda.ANALYSIS, Agenda.CLOSING}),
    (_actions, {Agenda.ACTIONS, Agenda.CLOSING}),
    (_closing, {Agenda.CLOSING}),
]


def section_context(meeting, user, keys=None, bound=None):
    """What the section bodies ``keys`` (all by default) need.
    ``bound`` = {form key: bound form with errors} to show instead of the fresh form."""
    keys = set(keys or Agenda.KEYS)
    bound = bound or {}
    postmortem = meeting.postmortem
    sections = {section.key: section for section in meeting.sections.all()}
    context = {
        "meeting": meeting, "postmortem": postmortem, "incident": postmortem.incident,
        "can_edit": can_edit(user, postmortem) and not meeting.is_closed,
        "sections": sections, "bound": bound,
        "notes_forms": {
            key: bound.get(f"notes-{key}") or meeting_forms.SectionNotesForm(
                instance=section, prefix=f"notes-{key}")
            for key, section in sections.items()
        },
    }
    users = user_choices()
    for part, shown_in in PARTS:
        if keys & shown_in:
            part(context, meeting, bound, users)
    return context


# --- Answers -------------------------------------------------------------------------------

def run_page(request, meeting, key=None, status=200, bound=None):
    """The meeting screen, on section ``key``."""
    key = key if key in Agenda.BY_KEY else Agenda.OPENING
    context = section_context(meeting, request.user, bound=bound)
    context.update({
        "agenda": [
            {**section, "record": context["sections"].get(section["key"]),
             "notes_form": context["notes_forms"].get(section["key"])}
            for section in Agenda.SECTIONS
        ],
        "current": key,
        "total_minutes": Agenda.TOTAL_MINUTES,
        "cursor": changes.changes_since(meeting.postmortem, None)["cursor"],
    })
    return render(request, "meetings/run.html", context, status=status)


def section_response(request, meeting, key, status=200, bound=None):
    """One section's body (the htmx answer, and the screen's refresh)."""
    context = section_context(meeting, request.user, keys=[key], bound=bound)
    context["key"] = key
    context["agenda"] = Agenda.BY_KEY[key]
    return render(request, "meetings/section_body.html", context, status=status)


def done(request, meeting, key, message=None):
    if is_htmx(request):
        return section_response(request, meeting, key)
    if message:
        messages.success(request, message)
    url = reverse("meetings:run", args=[meeting.pk])
    return HttpResponseRedirect(f"{url}?section={key}#{key}", status=303)


def invalid(request, meeting, key, form_key, form):
    """400 with the form's errors: inside the section (htmx) or on the meeting page."""
    if is_htmx(request):
        return section_response(request, meeting, key, status=400, bound={form_key: form})
    return run_page(request, meeting, key, status=400, bound={form_key: form})


def conflict(request, meeting, key, refused):
    """409: the stale edit beside the current values, and the merge form."""
    template = ("revisions/conflict_partial.html" if is_htmx(request)
                else "revisions/conflict.html")
    back = reverse("meetings:run", args=[meeting.pk]) + f"?section={key}#{key}"
    return conflict_response(request, refused, template=template,
                             context={"back": back, "meeting": meeting, "key": key})
