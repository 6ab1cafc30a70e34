"""The dashboard (URL name "home"): what needs attention now, and what keeps coming back."""

from datetime import timedelta

from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from postmortems import attention, recurring
from postmortems.statements import run

WINDOW_DAYS = 90
CAUSES_DAYS = 180


@require_GET
def dashboard(request):
    now = timezone.now()
    since, causes_since = now - timedelta(days=WINDOW_DAYS), now - timedelta(days=CAUSES_DAYS)
    *needs, (times,), services, causes = run(  # one round trip, planned once per session
        *attention.attention_statements(),
        attention.mean_times_statement(since),
        recurring.services_statement(since),
        recurring.causes_statement(causes_since),
        prepared=True,
    )
    needs = attention.from_rows(needs)
    counts = needs["counts"]
    return render(request, "home.html", {
        "open_incidents": needs["open_incidents"],
        "open_count": counts["open"],
        "due": needs["due"],
        "due_count": counts["due"],
        "orphans": needs["orphans"],
        "orphan_count": counts["orphaned"],
        "overdue": needs["overdue"],
        "overdue_count": counts["overdue"],
        "times": times,
        "window_days": WINDOW_DAYS,
        "recurring_services": services,
        "recurring_causes": recurring.root_causes_from(causes, causes_since),
    })
