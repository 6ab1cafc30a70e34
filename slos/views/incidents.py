"""Incidents name the SLOs they hit."""

from urllib.parse import urlencode

from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods

from config import queue
from postmortems.models import Incident
from postmortems.permissions import require_edit
from slos import impacts
from slos.models import SLO
from slos.tasks import measure_impacts

PICKER_PAGE_SIZE = 25


@require_http_methods(["GET", "POST"])
def incident_slos(request, incident_pk):
    incident = get_object_or_404(Incident, pk=incident_pk)
    if request.method == "POST":
        require_edit(request.user, incident)
        shown = _slo_ids(request.POST.getlist("shown"))
        impacts.set_slos(incident, SLO.objects.filter(
            pk__in=_slo_ids(request.POST.getlist("slos"))).only("pk"), among=shown or None)
        queue.send_on_commit(measure_impacts, request=request)
        messages.success(request, "Saved the SLOs this incident hit.")
        return redirect(incident)
    # The linked SLOs, then one page of the others (the incident's services' first, or those
    # matching ?q=): bounded however many SLOs there are (1,000 in the bench data).
    linked = list(incident.slo_impacts.select_related("slo__service")
                  .order_by("slo__service__name", "slo__name", "slo_id"))
    text = request.GET.get("q", "").strip()[:100]
    others = (SLO.objects.exclude(pk__in=[link.slo_id for link in linked]).matching(text)
              .services_first(incident.services.all()).values("pk", "name", "service__name"))
    page = Paginator(others, PICKER_PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "slos/incident_slos.html", {
        "incident": incident, "linked": linked, "page": page, "q": text,
        "query": urlencode({"q": text}) if text else ""})


def _slo_ids(values):
    return {int(pk) for pk in values if pk.isdecimal() and int(pk) < 2**31}
