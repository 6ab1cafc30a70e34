"""The review meeting on a shared screen. Thin views: check the permission, call one model or
concurrency function, answer with the refreshed section (htmx) or a redirect (plain forms);
what the screen shows and the shape of the answers are in meetings.sections. The timeline is
edited with the postmortem editor's views (postmortems.views.timeline), which answer the
meeting screen when called from it.
"""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponseRedirect, JsonResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from postmortems.fields import user_choices
from postmortems.forms import ActionItemForm
from postmortems.meetings import forms as meeting_forms
from postmortems.meetings.sections import (
    conflict,
    done,
    invalid,
    meeting_or_404,
    open_meeting,
    run_page,
    section_context,
    section_response,
)
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
)
from postmortems.permissions import can_edit, require_edit
from postmortems.revisions import changes
from postmortems.revisions.concurrency import Conflict
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


@require_GET
def meeting_run(request, pk):
    meeting = meeting_or_404(pk)
    if meeting.is_closed:
        return HttpResponseRedirect(reverse("meetings:record", args=[meeting.pk]))
    return run_page(request, meeting, request.GET.get("section"))


@require_GET
def meeting_section(request, pk, key):
    """One section's body, for the meeting screen's refresh."""
    meeting = meeting_or_404(pk)
    if key not in Agenda.BY_KEY:
        return JsonResponse({"error": f"No section {key!r}."}, status=404)
    return section_response(request, meeting, key)


@require_GET
def meeting_changes(request, pk):
    """What changed in the postmortem since the cursor, and which sections to refresh."""
    meeting = meeting_or_404(pk)
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
    meeting = meeting_or_404(pk)
    context = section_context(meeting, request.user)
    context["agenda"] = [
        {**section, "record": context["sections"].get(section["key"])}
        for section in Agenda.SECTIONS
    ]
    context["touched"] = list(meeting.items_touched())
    context["acceptances"] = list(meeting.orphan_acceptances.select_related("action_item"))
    return render(request, "meetings/record.html", context)


# --- Editing during the meeting ----------------------------------------------------------

@require_POST
def section_notes(request, pk, key):
    meeting = open_meeting(request, pk)
    section = get_object_or_404(MeetingSection, meeting=meeting, key=key)
    form = meeting_forms.SectionNotesForm(request.POST, instance=section, prefix=f"notes-{key}")
    if not form.is_valid():
        return invalid(request, meeting, key, f"notes-{key}", form)
    try:
        form.save_versioned(request.user)
    except Conflict as refused:
        return conflict(request, meeting, key, refused)
    return done(request, meeting, key, "Notes saved.")


@require_POST
def meeting_timing(request, pk):
    """The screen reports the seconds spent per section."""
    meeting = open_meeting(request, pk)
    form = meeting_forms.TimingForm(request.POST)
    if not form.is_valid():
        return JsonResponse({"errors": form.errors}, status=400)
    meeting.record_timing(form.cleaned_data)
    return JsonResponse({"saved": True})


@require_POST
def attendee_add(request, pk):
    meeting = open_meeting(request, pk)
    form = meeting_forms.AttendeeForm(request.POST, users=user_choices(),
                                      meeting=meeting, prefix="attendee")
    if not form.is_valid():
        return invalid(request, meeting, Agenda.OPENING, "attendee", form)
    form.save()
    return done(request, meeting, Agenda.OPENING, "Attendee added.")


@require_POST
def attendee_remove(request, pk, attendee_id):
    meeting = open_meeting(request, pk)
    get_object_or_404(Attendee, meeting=meeting, pk=attendee_id).delete()
    return done(request, meeting, Agenda.OPENING, "Attendee removed.")


@require_POST
def dissent_add(request, pk):
    meeting = open_meeting(request, pk)
    form = meeting_forms.DissentForm(request.POST, users=user_choices(),
                                     meeting=meeting, prefix="dissent")
    if not form.is_valid():
        return invalid(request, meeting, Agenda.ANALYSIS, "dissent", form)
    form.save()
    return done(request, meeting, Agenda.ANALYSIS, "Dissenting view recorded.")


@require_POST
def dissent_delete(request, pk, dissent_id):
    meeting = open_meeting(request, pk)
    view = get_object_or_404(DissentingView, meeting=meeting, pk=dissent_id)
    view.delete()
    return done(request, meeting, Agenda.ANALYSIS, "Dissenting view removed.")


@require_POST
def decision_add(request, pk):
    meeting = open_meeting(request, pk)
    form = meeting_forms.DecisionForm(request.POST, meeting=meeting, prefix="decision")
    if not form.is_valid():
        return invalid(request, meeting, Agenda.CLOSING, "decision", form)
    form.save()
    return done(request, meeting, Agenda.CLOSING, "Decision recorded.")


@require_POST
def decision_delete(request, pk, decision_id):
    meeting = open_meeting(request, pk)
    get_object_or_404(Decision, meeting=meeting, pk=decision_id).delete()
    return done(request, meeting, Agenda.CLOSING, "Decision removed.")


@require_POST
def item_add(request, pk):
    meeting = open_meeting(request, pk)
    incident = meeting.postmortem.incident
    form = ActionItemForm(request.POST, prefix="item-new", incident=incident,
                          users=user_choices(), in_meeting=True)
    if not form.is_valid():
        return invalid(request, meeting, Agenda.ACTIONS, "item-new", form)
    form.save_versioned(request.user, reason="added in the review meeting")
    return done(request, meeting, Agenda.ACTIONS, "Action item added.")


@require_POST
def item_edit(request, pk, item_id):
    meeting = open_meeting(request, pk)
    incident = meeting.postmortem.incident
    item = get_object_or_404(ActionItem, incident=incident, pk=item_id)
    form = ActionItemForm(request.POST, instance=item, prefix=f"item-{item.pk}",
                          incident=incident, users=user_choices(), in_meeting=True)
    if not form.is_valid():
        return invalid(request, meeting, Agenda.ACTIONS, f"item-{item.pk}", form)
    try:
        form.save_versioned(request.user, reason="changed in the review meeting")
    except Conflict as refused:
        return conflict(request, meeting, Agenda.ACTIONS, refused)
    return done(request, meeting, Agenda.ACTIONS, "Action item saved.")


@require_POST
def item_accept_orphan(request, pk, item_id):
    meeting = open_meeting(request, pk)
    item = get_object_or_404(ActionItem, incident=meeting.postmortem.incident, pk=item_id)
    form = meeting_forms.AcceptOrphanForm(request.POST, prefix=f"accept-{item.pk}")
    if form.is_valid():
        try:
            meeting.accept_orphan(item, form.cleaned_data["reason"], request.user)
        except ValidationError as refused:
            form.add_error(None, refused)
    if not form.is_valid():
        return invalid(request, meeting, Agenda.ACTIONS, f"accept-{item.pk}", form)
    return done(request, meeting, Agenda.ACTIONS, "Accepted as orphaned.")


@require_POST
def meeting_close(request, pk):
    meeting = open_meeting(request, pk)
    timing = meeting_forms.TimingForm(request.POST)
    if timing.is_valid():  # the screen's final times, when it sent them
        meeting.record_timing(timing.cleaned_data)
    try:
        meeting.close(request.user)
    except MeetingCloseBlocked as blocked:
        if is_htmx(request):
            return section_response(request, meeting, Agenda.CLOSING, status=400)
        messages.error(request, str(blocked))
        return run_page(request, meeting, Agenda.ACTIONS, status=400)
    messages.success(request, "Meeting closed; its summary is now part of the postmortem.")
    url = meeting.postmortem.get_absolute_url()
    if is_htmx(request):
        response = JsonResponse({"closed": True, "redirect": url})
        response["HX-Redirect"] = url
        return response
    return HttpResponseRedirect(url, status=303)
