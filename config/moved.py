"""URLs that moved, answered with a permanent redirect so bookmarks and scripts keep working.

308 rather than 301: a browser or client repeats a POST (with its body) at the new address
instead of turning it into a GET.
"""

from django.http.response import HttpResponseRedirectBase
from django.shortcuts import get_object_or_404
from django.urls import path, reverse

from postmortems.models import Meeting


class HttpResponsePermanentRedirectKeepMethod(HttpResponseRedirectBase):
    status_code = 308


def moved(route, name):
    """``route`` (the old address) now lives at the URL named ``name`` (same arguments)."""

    def redirect_to_new_address(request, **kwargs):
        url = reverse(name, kwargs=kwargs)
        if request.META.get("QUERY_STRING"):
            url = f"{url}?{request.META['QUERY_STRING']}"
        return HttpResponsePermanentRedirectKeepMethod(url)

    return path(route, redirect_to_new_address)


def moved_to_the_shared_timeline(route, name):
    """A meeting's timeline route (with and without its trailing slash) → the timeline view
    shared with the editor, for the entry (or, to add one, the meeting's incident), told the
    meeting by ``?meeting=<id>``."""

    def redirect_to_new_address(request, pk, entry_id=None):
        if entry_id is None:
            meeting = get_object_or_404(Meeting.objects.select_related("postmortem"), pk=pk)
            url = reverse(name, args=[meeting.postmortem.incident_id])
        else:
            url = reverse(name, args=[entry_id])
        return HttpResponsePermanentRedirectKeepMethod(f"{url}?meeting={pk}")

    return [path(route, redirect_to_new_address), path(f"{route}/", redirect_to_new_address)]


urlpatterns = [
    # Meeting routes without a trailing slash (before every route had one).
    moved("incidents/<int:incident_id>/meetings/start", "meetings:start"),
    moved("meetings/<int:pk>/record", "meetings:record"),
    moved("meetings/<int:pk>/changes", "meetings:changes"),
    moved("meetings/<int:pk>/sections/<slug:key>/notes", "meetings:notes"),
    moved("meetings/<int:pk>/timing", "meetings:timing"),
    moved("meetings/<int:pk>/attendees/add", "meetings:attendee_add"),
    moved("meetings/<int:pk>/attendees/<int:attendee_id>/remove", "meetings:attendee_remove"),
    moved("meetings/<int:pk>/dissent/add", "meetings:dissent_add"),
    moved("meetings/<int:pk>/dissent/<int:dissent_id>/delete", "meetings:dissent_delete"),
    moved("meetings/<int:pk>/decisions/add", "meetings:decision_add"),
    moved("meetings/<int:pk>/decisions/<int:decision_id>/delete", "meetings:decision_delete"),
    # The meeting's own timeline views: it shares the editor's now (?meeting=<id>).
    *moved_to_the_shared_timeline("meetings/<int:pk>/timeline/add", "postmortems:timeline_add"),
    *moved_to_the_shared_timeline("meetings/<int:pk>/timeline/<int:entry_id>/edit",
                                  "postmortems:timeline_edit"),
    *moved_to_the_shared_timeline("meetings/<int:pk>/timeline/<int:entry_id>/delete",
                                  "postmortems:timeline_delete"),
    moved("meetings/<int:pk>/actions/add", "meetings:item_add"),
    moved("meetings/<int:pk>/actions/<int:item_id>/edit", "meetings:item_edit"),
    moved("meetings/<int:pk>/actions/<int:item_id>/accept-orphan",
          "meetings:item_accept_orphan"),
    moved("meetings/<int:pk>/close", "meetings:close"),
    # One spelling per object: action items are /actions/<id>/…
    moved("action-items/<int:item_id>/history/", "revisions:action_item_history"),
    moved("history/<slug:model>/<int:history_id>/restore", "revisions:restore"),
    moved("conflicts/<int:pk>/discard", "revisions:conflict_discard"),
]
