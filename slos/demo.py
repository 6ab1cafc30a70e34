"""Demo SLOs for `make run` (idempotent): two SLOs of the Checkout service measured on the
demo workload (`manage.py demo_workload`, scraped by `make run`'s Prometheus as job
"demo-workload")."""

from django.conf import settings
from django.db import transaction

from postmortems.models import Incident, Service
from slos.models import SLO, DataSource, IncidentImpact

WORKLOAD = 'job="demo-workload"'
DEMO_SLOS = [
    {
        "name": "Checkout availability",
        "description": "Share of checkout requests answered without a server error.",
        "kind": SLO.Kind.AVAILABILITY, "target": "99.9",
        "good_query": f'sum(rate(http_requests_total{{{WORKLOAD},status!~"5.."}}[$window]))',
        "total_query": f"sum(rate(http_requests_total{{{WORKLOAD}}}[$window]))",
    },
    {
        "name": "Checkout latency",
        "description": "Share of checkout requests served within 250 ms.",
        "kind": SLO.Kind.LATENCY, "target": "99",
        "good_query": "sum(rate(http_request_duration_seconds_bucket"
                      f'{{{WORKLOAD},le="0.25"}}[$window]))',
        "total_query": f"sum(rate(http_request_duration_seconds_count{{{WORKLOAD}}}[$window]))",
    },
]


@transaction.atomic
def load(user):
    """Create the demo SLOs; running it twice changes nothing. The demo's data source follows
    PROMETHEUS_URL (`make run` sets it from PROMETHEUS_PORT)."""
    source, _ = DataSource.objects.get_or_create(
        name="Local Prometheus", defaults={"url": settings.PROMETHEUS_URL})
    if source.url != settings.PROMETHEUS_URL:
        source.url = settings.PROMETHEUS_URL
        source.save(update_fields=["url"])
    service, _ = Service.objects.get_or_create(
        slug="checkout", defaults={"name": "Checkout", "team": "Payments"})
    slos = []
    for spec in DEMO_SLOS:
        slo = SLO.objects.filter(service=service, name=spec["name"]).first()
        if slo is None:
            slo = SLO(service=service, data_source=source, window=SLO.Window.DAYS_28, **spec)
            slo.full_clean()
            slo.save()
        slos.append(slo)
    incident = Incident.objects.filter(services=service).order_by("started_at").first()
    if incident is not None:
        IncidentImpact.objects.get_or_create(slo=slos[0], incident=incident)
