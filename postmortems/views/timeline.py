"""The timeline, edited in place: one set of views for the postmortem editor and the review
meeting's screen. The meeting's forms post here with ``?meeting=<id>`` and get their section
back (meetings.sections); the editor gets its timeline fragment (htmx) or, with JavaScript
off, full pages and redirects.

Answers: the refreshed timeline (or meeting section) on success; 400 with the form and its
errors; a stale edit shows both versions and a merge form (the editor's main area, or the
meeting's section with 409); a stale delete is refused with a message.
"""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from postmortems import blameless
from postmortems.documents.timeline import parse_lines
from postmortems.forms import TimelineEntryForm, TimelinePasteForm, key_times_form
from postmortems.meetings import sections
from postmortems.models import Agenda, TimelineEntry
from postmortems.models.incidents import KEY_TIMES
from postmortems.permissions import require_edit
from postmortems.revisions.concurrency import (
    Conflict,
    StaleDelete,
    create_tracked,
    delete_versioned,
    save_or_conflict,
)
from postmortems.views import is_htmx
from postmortems.views.editor import (
    editor_url,
    get_postmortem,
    render_editor,
    timeline_context,
)
from postmortems.views.key_times import form_errors, set_pasted_key_times


def meeting_asking(request, postmortem):
    """The open review meeting whose screen sent the request (``?meeting=<id>``), or None
    when it comes from the editor."""
    meeting_id = request.GET.get("meeting", "")
    if not meeting_id:
        return None
    return sections.open_meeting(request, meeting_id if meeting_id.isdigit() else 0,
                                 postmortem=postmortem)


def timeline_response(request, postmortem, status=200, **extra):
    """The editor's answer: the timeline fragment (htmx), else the page or a redirect."""
    if is_htmx(request):
        return render(request, "postmortems/partials/timeline.html",
                      timeline_context(postmortem, **extra), status=status)
    if status == 200 and not extra:
        return redirect(editor_url(postmortem, "timeline"))
    return render_editor(request, postmortem, status=status, **extra)


def entry_and_postmortem(pk):
    entry = get_object_or_404(TimelineEntry.objects.select_related(
        "postmortem", "postmortem__incident"), pk=pk)
    return entry, entry.postmortem


@require_POST
def timeline_add(request, pk):
    postmortem = get_postmortem(pk)
    require_edit(request.user, postmortem)
    meeting = meeting_asking(request, postmortem)
    form = TimelineEntryForm(request.POST, prefix=sections.NEW_ENTRY)
    if not form.is_valid():
        if meeting is not None:
            return sections.invalid(request, meeting, Agenda.TIMELINE, sections.NEW_ENTRY, form)
        return timeline_response(request, postmortem, status=400, entry_form=form)
    form.instance.postmortem = postmortem
    form.save_versioned(request.user)
    if meeting is not None:
        return sections.done(request, meeting, Agenda.TIMELINE, "Timeline entry added.")
    return timeline_response(request, postmortem)


@require_POST
def timeline_paste(request, pk):
    postmortem = get_postmortem(pk)
    require_edit(request.user, postmortem)
    form = TimelinePasteForm(request.POST, prefix="paste")
    if not form.is_valid():
        return timeline_response(request, postmortem, status=400, paste_form=form)
    parsed, bad = parse_lines(form.cleaned_data["lines"], postmortem.incident.started_at.date())
    parsed, refused = set_pasted_key_times(request, postmortem, parsed)
    bad = sorted(bad + refused, key=lambda line: line.number)
    for line in parsed:  # one by one, so that each entry is in the history
        create_tracked(TimelineEntry(postmortem=postmortem, at=line.at, kind=line.kind,
                                     text=line.text))
    if not bad:
        return timeline_response(request, postmortem)
    # Bad lines come back in the box, with their reasons, for fixing; good ones were added.
    again = TimelinePasteForm(prefix="paste",
                              initial={"lines": "\n".join(line.line for line in bad)})
    return timeline_response(request, postmortem, status=200 if parsed else 400,
                             paste_form=again, paste_errors=bad, pasted=len(parsed))


@require_POST
def key_time_edit(request, pk, name):
    """A key time's row on the timeline: sets the incident's own field (see key_times)."""
    if name not in KEY_TIMES:
        raise Http404("No such key time.")
    postmortem = get_postmortem(pk)
    require_edit(request.user, postmortem)
    form = key_times_form([name], request.POST, instance=postmortem.incident, prefix="key")
    if not form.is_valid():
        return timeline_response(request, postmortem, status=400,
                                 key_time_error=(name, form_errors(form)))
    if (conflict := save_or_conflict(request, form)) is not None:
        return conflict
    return timeline_response(request, postmortem)


def _saved_in_meeting(request, meeting, form):
    """Save the meeting's edit of an entry: its section back, or the conflict (409)."""
    try:
        form.save_versioned(request.user)
    except Conflict as refused:
        return sections.conflict(request, meeting, Agenda.TIMELINE, refused)
    return sections.done(request, meeting, Agenda.TIMELINE, "Timeline entry saved.")


@require_http_methods(["GET", "POST"])
def timeline_edit(request, pk):
    entry, postmortem = entry_and_postmortem(pk)
    meeting = None
    if request.method == "POST":
        require_edit(request.user, postmortem)
        meeting = meeting_asking(request, postmortem)
    prefix = sections.edited_entry(pk)
    form = TimelineEntryForm(request.POST or None, instance=entry, prefix=prefix)
    if meeting is not None:
        if form.is_valid():
            return _saved_in_meeting(request, meeting, form)
        return sections.invalid(request, meeting, Agenda.TIMELINE, prefix, form)
    if request.method == "POST":
        if form.is_valid():
            if (conflict := save_or_conflict(request, form)) is not None:
                return conflict
            return timeline_response(request, postmortem)
        status = 400
    else:
        status = 200
    form.fields["text"].widget.attrs["autofocus"] = True  # keyboard: straight into the text
    context = {"entry": entry, "form": form, "postmortem": postmortem,
               "people": blameless.known_people()}
    if is_htmx(request):
        response = render(request, "postmortems/partials/timeline_row_form.html", context,
                          status=status)
        response["HX-Retarget"] = f"#entry-{entry.pk}"
        response["HX-Reswap"] = "outerHTML"
        return response
    return render(request, "postmortems/timeline_edit.html", context, status=status)


@require_GET
def timeline_row(request, pk):
    entry, postmortem = entry_and_postmortem(pk)
    if not is_htmx(request):
        return redirect(editor_url(postmortem, f"entry-{pk}"))
    return render(request, "postmortems/partials/timeline_row.html", {
        "entry": entry, "postmortem": postmortem, "people": blameless.known_people()})


def _version(request):
    """The version the delete is based on (None: a form without one deletes whatever)."""
    value = request.POST.get("version", "")
    return int(value) if value.isdigit() else None


@require_POST
def timeline_delete(request, pk):
    entry, postmortem = entry_and_postmortem(pk)
    require_edit(request.user, postmortem)
    meeting = meeting_asking(request, postmortem)
    try:
        delete_versioned(entry, _version(request))
    except StaleDelete as stale:
        messages.error(request, str(stale))
    else:
        if meeting is None and not is_htmx(request):
            messages.success(request, "Timeline entry deleted (it stays in the history).")
    if meeting is not None:
        return sections.done(request, meeting, Agenda.TIMELINE, "Timeline entry deleted (it "
                             "can be restored from the history).")
    return timeline_response(request, postmortem)
