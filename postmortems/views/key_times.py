"""The incident's key times on the timeline. They are the incident's own fields, shown as rows
of the timeline (Postmortem.timeline_rows): editing such a row, or pasting a ``[detected]``
line, sets the incident's field (its ordering rule, its version, its history), so the incident
page and the timeline always show the same time. The row's own edit is
``postmortems.views.timeline.key_time_edit``."""

from postmortems.documents.timeline import BadLine, entries_of, key_time_name
from postmortems.forms import key_times_form
from postmortems.revisions.concurrency import save_or_conflict


def form_errors(form):
    return " ".join(str(message) for messages in form.errors.values() for message in messages)


def set_pasted_key_times(request, postmortem, parsed):
    """Pasted lines of a key time's kind set the incident's fields (all or none of them).
    Returns (the entries to add: the other lines, and what key-time lines say besides their
    time; [BadLine] for key-time lines refused)."""
    keyed = [line for line in parsed if key_time_name(line.kind)]
    if not keyed:
        return parsed, []
    incident = postmortem.incident
    data = {f"key-{key_time_name(line.kind)}": line.at.strftime("%Y-%m-%d %H:%M:%S")
            for line in keyed}
    form = key_times_form({key_time_name(line.kind) for line in keyed},
                          {**data, "key-version": incident.version}, instance=incident,
                          prefix="key")
    if not form.is_valid() or save_or_conflict(request, form) is not None:
        reason = form_errors(form) or "The incident changed meanwhile; paste the line again."
        rest = [line for line in parsed if not key_time_name(line.kind)]
        return rest, [BadLine(line.number, line.source, reason) for line in keyed]
    return entries_of(parsed), []
