"""The dashboard (URL name "home"): what needs attention now, and what keeps coming back."""

from datetime import timedelta

from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from postmortems import recurring
from postmortems.models import ActionItem, Incident

WINDOW_DAYS = 90
LIST_SIZE = 8


@require_GET
def dashboard(request):
    items = ActionItem.objects.select_related("incident")
    counts = ActionItem.objects.attention_counts(
        open=Incident.objects.open(), due=Incident.objects.needing_postmortem())
    return render(request, "home.html", {
        "open_incidents": list(Incident.objects.open()[:LIST_SIZE]),
        "open_count": counts["open"],
        "due": list(Incident.objects.needing_postmortem().select_related("postmortem")
                    .only("title", "postmortem__state")[:LIST_SIZE]),
        "due_count": counts["due"],
        "orphans": list(items.orphaned().order_by("incident_id", "pk")[:LIST_SIZE]),
        "orphan_count": counts["orphaned"],
        "overdue": list(items.select_related("owner").overdue().order_by("due", "pk")
                        [:LIST_SIZE]),
        "overdue_count": counts["overdue"],
        "times": Incident.objects.mean_times(
            since=timezone.now() - timedelta(days=WINDOW_DAYS)),
        "window_days": WINDOW_DAYS,
        "recurring_services": recurring.recurring_services(days=WINDOW_DAYS),
        "recurring_causes": recurring.recurring_root_causes(),
    })
