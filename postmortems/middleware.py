"""A change sent to a part of an incident in the trash (an admin moved it there after the page
was loaded, or while the save ran) is answered with that (409), with what was typed shown back
so nothing is lost, and, for admins, the way to the trash; never a bare 404 or a 500.

The save paths refuse such a change with IncidentInTrash (postmortems.models.trash); a change
sent after the move finds nothing (404), and the first segment of its URL names what it
changes, whose incident is then looked up in the trash."""

from django.http import Http404
from django.shortcuts import render

from accounts.roles import ADMIN, has_role
from postmortems.models import (
    ActionItem,
    ContributingFactor,
    Incident,
    Meeting,
    TimelineEntry,
    Why,
)
from postmortems.models.trash import IncidentInTrash, trashed_incident_of
from postmortems.views import is_htmx

# The first segment of a changing URL → the model its first id names.
CHANGED_BY_URL = {"incidents": Incident, "timeline": TimelineEntry, "whys": Why,
                  "factors": ContributingFactor, "actions": ActionItem, "meetings": Meeting}
# Posted fields that are not typed text.
NOT_TYPED = {"csrfmiddlewaretoken", "version", "next"}


class ChangesInTrashMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if isinstance(exception, IncidentInTrash):
            return in_trash_response(request, exception.incident)
        if isinstance(exception, Http404) and request.method == "POST":
            incident = _trashed_incident_changed_by(request)
            if incident is not None:
                return in_trash_response(request, incident)
        return None


def _trashed_incident_changed_by(request):
    match = request.resolver_match
    if match is None or match.namespace == "api":
        return None
    model = CHANGED_BY_URL.get(match.route.split("/", 1)[0])
    ids = [value for value in match.kwargs.values() if isinstance(value, int)]
    if model is None or not ids:
        return None
    return trashed_incident_of(model, ids[0])


def typed_values(post):
    """[(label, text)] of what a form sent: each field's name without its form's prefix."""
    typed = []
    for name, values in post.lists():
        text = "\n".join(value for value in values if value.strip())
        if name in NOT_TYPED or name.endswith("-version") or not text:
            continue
        field = name.rsplit("-", 1)[-1]
        typed.append((field.replace("_", " ").capitalize(), text))
    return typed


def in_trash_response(request, incident):
    context = {"incident": incident, "typed": typed_values(request.POST),
               "is_admin": has_role(request.user, ADMIN)}
    if is_htmx(request):  # in place of the page's main area (409 is swapped: base.html)
        response = render(request, "postmortems/trash/not_saved_body.html", context,
                          status=409)
        response["HX-Retarget"] = "#main"
        response["HX-Reswap"] = "innerHTML"
        response["HX-Push-Url"] = "false"
        return response
    return render(request, "postmortems/trash/not_saved.html", context, status=409)
