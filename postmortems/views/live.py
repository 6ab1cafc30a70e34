"""The postmortem editor, live: what changed since the page's cursor and who else has the
editor open (one poll, a heartbeat too), and one section re-rendered for the refresh.

The same changes feed as the meeting screen (revisions.changes), the same client mechanism
(static/postmortems/live.js): a section somebody else changed is refreshed unless the user is
typing in it or has unsaved input there.
"""

from django.http import Http404, JsonResponse
from django.views.decorators.http import require_GET

from postmortems.people import display_name
from postmortems.permissions import require_edit
from postmortems.revisions import changes
from postmortems.revisions.presence import Presence
from postmortems.views.editor import SECTIONS, get_postmortem, render_section

SECTIONS_OF_PART = {
    # a changed part of the document → the editor sections that show it
    "incident": [],
    "postmortem": ["document"],
    "timeline": ["timeline"],
    "analysis": ["whys", "actions"],  # the action form lists the whys and factors
    "actions": ["actions"],
    "meeting": [],
}


@require_GET
def postmortem_live(request, pk):
    """{"cursor", "changes" (each with the sections it touches), "sections" to refresh,
    "present": the others' names}."""
    postmortem = get_postmortem(pk)
    require_edit(request.user, postmortem)
    answer = changes.changes_since(postmortem, changes.parse_cursor(request.GET.get("since")))
    for change in answer["changes"]:
        change["sections"] = SECTIONS_OF_PART[change["part"]]
    answer["sections"] = list(dict.fromkeys(
        key for part in answer["parts"] for key in SECTIONS_OF_PART[part]))
    answer["present"] = [display_name(user)
                         for user in Presence.heartbeat(postmortem, request.user)]
    return JsonResponse(answer)


@require_GET
def postmortem_section(request, pk, key):
    """One section of the editor, as it is now."""
    if key not in SECTIONS:
        raise Http404(f"No section {key!r}.")
    postmortem = get_postmortem(pk, for_page=True)
    require_edit(request.user, postmortem)
    return render_section(request, postmortem, key)
