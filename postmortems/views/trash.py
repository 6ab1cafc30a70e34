"""Deleting an incident from the site, and the trash (admins only, postmortems.models.trash):
delete moves the incident there with everything under it; the trash page restores it whole or
purges it for good, each after a page saying what goes with it."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.roles import ADMIN, require_role
from postmortems.models import Incident

PAGE_SIZE = 25


@require_http_methods(["GET", "POST"])
def incident_delete(request, pk):
    require_role(request.user, ADMIN)
    incident = get_object_or_404(Incident, pk=pk)
    if request.method == "POST":
        incident.move_to_trash(request.user)
        messages.success(request, f"Incident #{incident.pk} “{incident.title}” is in the trash "
                          "with everything under it. An admin can restore it from the Trash.")
        return HttpResponseRedirect(reverse("postmortems:incident_list"), status=303)
    return render(request, "postmortems/trash/delete.html",
                  {"incident": incident, "parts": incident.contents()})


@require_GET
def trash_list(request):
    require_role(request.user, ADMIN)
    incidents = Incident.all_objects.in_trash().select_related("deleted_by").order_by(
        "-deleted_at", "-pk")
    page = Paginator(incidents, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "postmortems/trash/list.html", {"page": page})


@require_POST
def trash_restore(request, pk):
    require_role(request.user, ADMIN)
    incident = get_object_or_404(Incident.all_objects.in_trash(), pk=pk)
    incident.restore_from_trash(request.user)
    messages.success(request, f"Incident #{incident.pk} “{incident.title}” is back, with "
                     "everything under it.")
    return HttpResponseRedirect(incident.get_absolute_url(), status=303)


@require_http_methods(["GET", "POST"])
def trash_purge(request, pk):
    require_role(request.user, ADMIN)
    incident = get_object_or_404(Incident.all_objects.in_trash(), pk=pk)
    if request.method == "POST":
        incident.purge(request.user)
        messages.success(request, f"Incident #{pk} “{incident.title}” is deleted permanently.")
        return HttpResponseRedirect(reverse("postmortems:trash"), status=303)
    return render(request, "postmortems/trash/purge.html",
                  {"incident": incident, "parts": incident.contents()})
