"""The review meeting on a shared screen. Thin views: check the permission, call one model or
concurrency function, answer with the refreshed section (htmx) or a redirect (plain forms).

Answers to a form: 200 + the section body for htmx, 303 to the meeting page otherwise;
400 + the form with its errors; 409 + both versions and a merge form (a stale edit).
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponseRedirect, JsonResponse
from django.shortcuts import get_object_or_404, render
from django.urls import NoReverseMatch, reverse
from django.views.decorators.http import require_GET, require_POST

from postmortems.meetings import forms as meeting_forms
from postmortems.models import (
    ActionItem,
    Agenda,
    Attendee,
    Decision,
    DissentingView,
    Meeting,
    MeetingCloseBlocked,
    MeetingSection,
    Postmortem,
    TimelineEntry,
)
from postmortems.permissions import can_edit, require_edit
from postmortems.revisions import changes
from postmortems.revisions.concurrency import (
    Conflict,
    StaleDelete,
    conflict_response,
    delete_versioned,
)
from postmortems.views import is_htmx

SECTION_OF_PART = {
    # a changed part of the document → the sections of the meeting screen that show it
    "incident": [Agenda.OPENING],
    "postmortem": [Agenda.ANALYSIS],
    "timeline": [Agenda.TIMELINE],
    "analysis": [Agenda.ANALYSIS],
    "actions": [Agenda.ACTIONS, Agenda.CLOSING],
    "meeting": Agenda.KEYS,
}


def _meeting(pk):
    return get_object_or_404(
        Meeting.objects.select_related("postmortem__incident", "facilitator"), pk=pk
    )


def _editable_meeting(request, pk):
    """The meeting, if the user may change it and it is still open (else 403 / 409 page)."""
    meeting = _meeting(pk)
    require_edit(request.user, meeting.postmortem)
    return meeting


def postmortem_url(postmortem):
    """The postmortem's page; the meetings page when the postmortem pages are not wired."""
    try:
        return postmortem.get_absolute_url()
    except NoReverseMatch:
        return reverse("meetings:list", args=[postmortem.incident_id])


# --- Section context ----------------------------------------------------------------------

def section_context(meeting, user, keys=None, bound=None):
    """What the section bodies need, in a fixed number of queries whatever the row counts.
    ``bound`` = {form key: bound form with errors} to show instead of the fresh form."""
    keys = keys or Agenda.KEYS
    bound = bound or {}
    postmortem = meeting.postmortem
    incident = postmortem.incident
    users = meeting_forms.user_choices()
    sections = {section.key: section for section in meeting.sections.all()}
    context = {
        "meeting": meeting, "postmortem": postmortem, "incident": incident,
        "can_edit": can_edit(user, postmortem) and not meeting.is_closed,
        "sections": sections, "bound": bound,
        "notes_forms": {
            key: bound.get(f"notes-{key}") or meeting_forms.SectionNotesForm(
                instance=section, prefix=f"notes-{key}")
            for key, section in sections.items()
        },
    }
    if Agenda.OPENING in keys or Agenda.CLOSING in keys:
        context["attendees"] = list(meeting.attendees.select_related("user"))
        context["attendee_form"] = bound.get("attendee") or meeting_forms.AttendeeForm(
            users=users, meeting=meeting, prefix="attendee")
    if Agenda.TIMELINE in keys:
        entries = list(postmortem.timeline.all())
        context["timeline"] = [
            (entry, bound.get(f"entry-{entry.pk}") or meeting_forms.MeetingTimelineEntryForm(
                instance=entry, prefix=f"entry-{entry.pk}"))
            for entry in entries
        ]
        context["entry_form"] = bound.get("entry-new") or meeting_forms.MeetingTimelineEntryForm(
            postmortem=postmortem, prefix="entry-new")
    if Agenda.ANALYSIS in keys or Agenda.CLOSING in keys:
        context["whys"] = list(postmortem.whys.all())
        context["factors"] = list(postmortem.factors.all())
        context["dissent"] = list(meeting.dissenting_views.select_related("user"))
        context["dissent_form"] = bound.get("dissent") or meeting_forms.DissentForm(
            users=users, meeting=meeting, prefix="dissent")
    if Agenda.ACTIONS in keys or Agenda.CLOSING in keys:
        orphans = {item.pk: item for item in meeting.orphaned_items()}
        items = list(ActionItem.objects.filter(incident_id=incident.pk).with_flags()
                     .select_related("owner"))
        context["items"] = [
            (item, orphans.get(item.pk),
             bound.get(f"item-{item.pk}") or meeting_forms.MeetingActionItemForm(
                 instance=item, prefix=f"item-{item.pk}", incident=incident, users=users),
             bound.get(f"accept-{item.pk}") or meeting_forms.AcceptOrphanForm(
                 prefix=f"accept-{item.pk}"))
            for item in items
        ]
        context["unresolved"] = [
            item for item in orphans.values() if not item.accepted
        ]
        context["item_form"] = bound.get("item-new") or meeting_forms.MeetingActionItemForm(
            prefix="item-new", incident=incident, users=users)
    if Agenda.CLOSING in keys:
        context["decisions"] = list(meeting.decisions.all())
        context["decision_form"] = bound.get("decision") or meeting_forms.DecisionForm(
            meeting=meeting, prefix="decision")
    return context


def _section_response(request, meeting, key, status=200, bound=None):
    context = section_context(meeting, request.user, keys=[key], bound=bound)
    context["key"] = key
    context["agenda"] = Agenda.BY_KEY[key]
    return render(request, "meetings/section_body.html", context, status=status)


def _done(request, meeting, key, message=None):
    if is_htmx(request):
        return _section_response(request, meeting, key)
    if message:
        messages.success(request, message)
    url = reverse("meetings:run", args=[meeting.pk])
    return HttpResponseRedirect(f"{url}?section={key}#{key}", status=303)


def _invalid(request, meeting, key, form_key, form):
    """400 with the form's errors: inside the section (htmx) or on the meeting page."""
    if is_htmx(request):
        return _section_response(request, meeting, key, status=400, bound={form_key: form})
    return _run_page(request, meeting, key, status=400, bound={form_key: form})


def _conflict(request, meeting, key, conflict):
    template = ("revisions/conflict_partial.html" if is_htmx(request)
                else "revisions/conflict.html")
    back = reverse("meetings:run", args=[meeting.pk]) + f"?section={key}#{key}"
    return conflict_response(request, conflict, template=template,
                             context={"back": back, "meeting": meeting, "key": key})


# --- Pages --------------------------------------------------------------------------------

@require_GET
def meeting_list(request, incident_id):
    postmortem = get_object_or_404(Postmortem.objects.select_related("incident"),
                                   incident_id=incident_id)
    meetings = list(postmortem.meetings.select_related("facilitator"))
    return render(request, "meetings/list.html", {
        "postmortem": postmortem, "incident": postmortem.incident, "meetings": meetings,
        "can_edit": can_edit(request.user, postmortem), "agenda": Agenda.SECTIONS,
        "total_minutes": Agenda.TOTAL_MINUTES,
    })


@require_POST
def meeting_start(request, incident_id):
    postmortem = get_object_or_404(Postmortem, incident_id=incident_id)
    require_edit(request.user, postmortem)
    meeting = Meeting.start_or_join(postmortem, request.user)
    return HttpResponseRedirect(reverse("meetings:run", args=[meeting.pk]), status=303)


def _run_page(request, meeting, key=None, status=200, bound=None):
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


@require_GET
def meeting_run(request, pk):
    meeting = _meeting(pk)
    if meeting.is_closed:
        return HttpResponseRedirect(reverse("meetings:record", args=[meeting.pk]))
    return _run_page(request, meeting, request.GET.get("section"))


@require_GET
def meeting_section(request, pk, key):
    """One section's body, for the meeting screen's refresh."""
    meeting = _meeting(pk)
    if key not in Agenda.BY_KEY:
        return JsonResponse({"error": f"No section {key!r}."}, status=404)
    return _section_response(request, meeting, key)


@require_GET
def meeting_changes(request, pk):
    """What changed in the postmortem since the cursor, and which sections to refresh."""
    meeting = _meeting(pk)
    since = changes.parse_cursor(request.GET.get("since", ""))
    answer = changes.changes_since(meeting.postmortem, since)
    sections = []
    for part in answer["parts"]:
        for key in SECTION_OF_PART[part]:
            if key not in sections:
                sections.append(key)
    answer["sections"] = sections
    answer["closed"] = meeting.is_closed
    return JsonResponse(answer)


@require_GET
def meeting_record(request, pk):
    meeting = _meeting(pk)
    context = section_context(meeting, request.user)
    context["agenda"] = [
        {**section, "record": context["sections"].get(section["key"])}
        for section in Agenda.SECTIONS
    ]
    context["touched"] = list(meeting.items_touched())
    context["acceptances"] = list(meeting.orphan_acceptances.select_related("action_item"))
    return render(request, "meetings/record.html", context)


# --- Editing during the meeting ----------------------------------------------------------

def _open_meeting(request, pk):
    meeting = _editable_meeting(request, pk)
    if meeting.is_closed:
        raise PermissionDenied("This meeting is closed; its record can no longer change.")
    return meeting


@require_POST
def section_notes(request, pk, key):
    meeting = _open_meeting(request, pk)
    section = get_object_or_404(MeetingSection, meeting=meeting, key=key)
    form = meeting_forms.SectionNotesForm(request.POST, instance=section, prefix=f"notes-{key}")
    if not form.is_valid():
        return _invalid(request, meeting, key, f"notes-{key}", form)
    try:
        form.save_versioned(request.user)
    except Conflict as conflict:
        return _conflict(request, meeting, key, conflict)
    return _done(request, meeting, key, "Notes saved.")


def _save_timing(meeting, data):
    """Seconds spent per section ({key: seconds}) as the screen measured them; never goes
    back. Returns the form (check is_valid)."""
    sections = list(meeting.sections.all())
    form = meeting_forms.TimingForm(data, sections=sections)
    if form.is_valid():
        for section in sections:
            seconds = form.cleaned_data.get(section.key)
            if seconds is not None and seconds > section.actual_seconds:
                MeetingSection.objects.filter(pk=section.pk).update(actual_seconds=seconds)
    return form


@require_POST
def meeting_timing(request, pk):
    """The screen reports the seconds spent per section."""
    meeting = _open_meeting(request, pk)
    form = _save_timing(meeting, request.POST)
    if not form.is_valid():
        return JsonResponse({"errors": form.errors}, status=400)
    return JsonResponse({"saved": True})


@require_POST
def attendee_add(request, pk):
    meeting = _open_meeting(request, pk)
    form = meeting_forms.AttendeeForm(request.POST, users=meeting_forms.user_choices(),
                                      meeting=meeting, prefix="attendee")
    if not form.is_valid():
        return _invalid(request, meeting, Agenda.OPENING, "attendee", form)
    form.save()
    return _done(request, meeting, Agenda.OPENING, "Attendee added.")


@require_POST
def attendee_remove(request, pk, attendee_id):
    meeting = _open_meeting(request, pk)
    get_object_or_404(Attendee, meeting=meeting, pk=attendee_id).delete()
    return _done(request, meeting, Agenda.OPENING, "Attendee removed.")


@require_POST
def dissent_add(request, pk):
    meeting = _open_meeting(request, pk)
    form = meeting_forms.DissentForm(request.POST, users=meeting_forms.user_choices(),
                                     meeting=meeting, prefix="dissent")
    if not form.is_valid():
        return _invalid(request, meeting, Agenda.ANALYSIS, "dissent", form)
    form.save()
    return _done(request, meeting, Agenda.ANALYSIS, "Dissenting view recorded.")


@require_POST
def dissent_delete(request, pk, dissent_id):
    meeting = _open_meeting(request, pk)
    view = get_object_or_404(DissentingView, meeting=meeting, pk=dissent_id)
    view.delete()
    return _done(request, meeting, Agenda.ANALYSIS, "Dissenting view removed.")


@require_POST
def decision_add(request, pk):
    meeting = _open_meeting(request, pk)
    form = meeting_forms.DecisionForm(request.POST, meeting=meeting, prefix="decision")
    if not form.is_valid():
        return _invalid(request, meeting, Agenda.CLOSING, "decision", form)
    form.save()
    return _done(request, meeting, Agenda.CLOSING, "Decision recorded.")


@require_POST
def decision_delete(request, pk, decision_id):
    meeting = _open_meeting(request, pk)
    get_object_or_404(Decision, meeting=meeting, pk=decision_id).delete()
    return _done(request, meeting, Agenda.CLOSING, "Decision removed.")


@require_POST
def timeline_add(request, pk):
    meeting = _open_meeting(request, pk)
    form = meeting_forms.MeetingTimelineEntryForm(request.POST, postmortem=meeting.postmortem,
                                                  prefix="entry-new")
    if not form.is_valid():
        return _invalid(request, meeting, Agenda.TIMELINE, "entry-new", form)
    form.save_versioned(request.user)
    return _done(request, meeting, Agenda.TIMELINE, "Timeline entry added.")


@require_POST
def timeline_edit(request, pk, entry_id):
    meeting = _open_meeting(request, pk)
    entry = get_object_or_404(TimelineEntry, postmortem=meeting.postmortem, pk=entry_id)
    form = meeting_forms.MeetingTimelineEntryForm(request.POST, instance=entry,
                                                  prefix=f"entry-{entry.pk}")
    if not form.is_valid():
        return _invalid(request, meeting, Agenda.TIMELINE, f"entry-{entry.pk}", form)
    try:
        form.save_versioned(request.user)
    except Conflict as conflict:
        return _conflict(request, meeting, Agenda.TIMELINE, conflict)
    return _done(request, meeting, Agenda.TIMELINE, "Timeline entry saved.")


@require_POST
def timeline_delete(request, pk, entry_id):
    meeting = _open_meeting(request, pk)
    entry = get_object_or_404(TimelineEntry, postmortem=meeting.postmortem, pk=entry_id)
    try:
        delete_versioned(entry, _int(request.POST.get("version")))
    except StaleDelete as stale:
        messages.error(request, str(stale))
    return _done(request, meeting, Agenda.TIMELINE, "Timeline entry deleted (it can be "
                 "restored from the history).")


def _int(value):
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


@require_POST
def item_add(request, pk):
    meeting = _open_meeting(request, pk)
    incident = meeting.postmortem.incident
    form = meeting_forms.MeetingActionItemForm(request.POST, prefix="item-new",
                                               incident=incident,
                                               users=meeting_forms.user_choices())
    if not form.is_valid():
        return _invalid(request, meeting, Agenda.ACTIONS, "item-new", form)
    form.save_versioned(request.user, reason="added in the review meeting")
    return _done(request, meeting, Agenda.ACTIONS, "Action item added.")


@require_POST
def item_edit(request, pk, item_id):
    meeting = _open_meeting(request, pk)
    incident = meeting.postmortem.incident
    item = get_object_or_404(ActionItem, incident=incident, pk=item_id)
    form = meeting_forms.MeetingActionItemForm(request.POST, instance=item,
                                               prefix=f"item-{item.pk}", incident=incident,
                                               users=meeting_forms.user_choices())
    if not form.is_valid():
        return _invalid(request, meeting, Agenda.ACTIONS, f"item-{item.pk}", form)
    try:
        form.save_versioned(request.user, reason="changed in the review meeting")
    except Conflict as conflict:
        return _conflict(request, meeting, Agenda.ACTIONS, conflict)
    return _done(request, meeting, Agenda.ACTIONS, "Action item saved.")


@require_POST
def item_accept_orphan(request, pk, item_id):
    meeting = _open_meeting(request, pk)
    item = get_object_or_404(ActionItem, incident=meeting.postmortem.incident, pk=item_id)
    form = meeting_forms.AcceptOrphanForm(request.POST, prefix=f"accept-{item.pk}")
    if form.is_valid():
        try:
            meeting.accept_orphan(item, form.cleaned_data["reason"], request.user)
        except ValidationError as refused:
            form.add_error(None, refused)
    if not form.is_valid():
        return _invalid(request, meeting, Agenda.ACTIONS, f"accept-{item.pk}", form)
    return _done(request, meeting, Agenda.ACTIONS, "Accepted as orphaned.")


@require_POST
def meeting_close(request, pk):
    meeting = _open_meeting(request, pk)
    _save_timing(meeting, request.POST)  # the screen's final times, when it sent them
    try:
        meeting.close(request.user)
    except MeetingCloseBlocked as blocked:
        if is_htmx(request):
            response = _section_response(request, meeting, Agenda.CLOSING, status=400)
            return response
        messages.error(request, str(blocked))
        return _run_page(request, meeting, Agenda.ACTIONS, status=400)
    messages.success(request, "Meeting closed; its summary is now part of the postmortem.")
    url = postmortem_url(meeting.postmortem)
    if is_htmx(request):
        response = JsonResponse({"closed": True, "redirect": url})
        response["HX-Redirect"] = url
        return response
    return HttpResponseRedirect(url, status=303)
