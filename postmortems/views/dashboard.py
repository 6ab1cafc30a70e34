"""The dashboard (URL name "home"): what needs attention now, and what keeps coming back."""

from datetime import timedelta

from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from postmortems import recurring
from postmortems.attention import needs_attention
from postmortems.models import Incident

WINDOW_DAYS = 90


@require_GET
def dashboard(request):
    attention = needs_attention()
    counts = attention["counts"]
    return render(request, "home.html", {
        "open_incidents": attention["open_incidents"],
        "open_count": counts["open"],
        "due": attention["due"],
        "due_count": counts["due"],
        "orphans": attention["orphans"],
        "orphan_count": counts["orphaned"],
        "overdue": attention["overdue"],
        "overdue_count": counts["overdue"],
        "times": Incident.objects.mean_times(
            since=timezone.now() - timedelta(days=WINDOW_DAYS)),
        "window_days": WINDOW_DAYS,
        "recurring_services": recurring.recurring_services(days=WINDOW_DAYS),
        "recurring_causes": recurring.recurring_root_causes(),
    })
