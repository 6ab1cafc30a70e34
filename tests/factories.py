"""Deterministic factories for both apps: plain functions with explicit defaults. The fixtures
(`make`, `service`, `make_source`, `make_slo`, `record_poll`) are thin wrappers over them."""

from datetime import UTC, date, datetime, timedelta

from django.utils import timezone

from postmortems import recurring, similar
from postmortems.models import ActionItem, Incident, Postmortem, Service, TimelineEntry, Why
from slos import budget
from slos.models import SLO, DataSource, Snapshot

T0 = datetime(2026, 3, 4, 10, 0, 0, tzinfo=UTC)
# "Now" in the time-dependent tests (the frozen_now fixture): a Monday, five days after T0.
NOW = datetime(2026, 3, 9, 12, 0, 0, tzinfo=UTC)


def service(name="Checkout", **fields):
    slug = fields.pop("slug", name.lower().replace(" ", "-"))
    return Service.objects.get_or_create(slug=slug, defaults={"name": name, **fields})[0]


def incident(title="Checkout errors", started_at=T0, **fields):
    services = fields.pop("services", [])
    fields.setdefault("severity", Incident.Severity.SEV3)
    fields.setdefault("detected_at", started_at + timedelta(minutes=5))
    created = Incident.objects.create(title=title, started_at=started_at, **fields)
    if services:
        created.services.set(services)
    return created


def postmortem(incident_=None, **fields):
    incident_ = incident_ or incident()
    return Postmortem.objects.create(incident=incident_, **fields)


def timeline_entry(postmortem_, at=T0, text="Alert fired", **fields):
    return TimelineEntry.objects.create(postmortem=postmortem_, at=at, text=text, **fields)


def why(postmortem_, position=1, question="Why?", answer="Because.", **fields):
    made = Why.objects.create(
        postmortem=postmortem_, position=position, question=question, answer=answer, **fields
    )
    # What is done on commit in the app (tests run inside a transaction).
    recurring.link_root_causes([made.pk])
    similar.refresh_similar_incidents([postmortem_.pk], around=[postmortem_.pk])
    return made


def action_item(incident_, text="Add an alert", owner=None, due=date(2099, 1, 1),
                ticket="OPS-1", **fields):
    return ActionItem.objects.create(
        incident=incident_, text=text, owner=owner, due=due, ticket=ticket, **fields
    )


# --- SLOs ---------------------------------------------------------------------------------

# The workload the tests' Prometheus scrapes (job "workload"), at a known error ratio.
WORKLOAD_GOOD = 'sum(rate(http_requests_total{job="workload",status!~"5.."}[$window]))'
WORKLOAD_TOTAL = 'sum(rate(http_requests_total{job="workload"}[$window]))'


def data_source(url, name=None, **fields):
    return DataSource.objects.create(name=name or url, url=url, **fields)


def slo(data_source_, service_=None, name="Availability", good=None, total=None, target="99.9",
        window="28d", **fields):
    """An SLO validated as the form would (full_clean), then saved."""
    created = SLO(
        service=service_ or service(), data_source=data_source_, name=name, target=target,
        window=window, good_query=good or WORKLOAD_GOOD, total_query=total or WORKLOAD_TOTAL,
        **fields,
    )
    created.full_clean()
    created.save()
    return created


def snapshot(slo_, error_ratio=None, ratios=None, status="ok", at=None, fault="", error=""):
    """A poll's result stored as the poller stores it, and made the SLO's latest."""
    at = at or timezone.now()
    ok = status == Snapshot.Status.OK
    stored = Snapshot.objects.create(
        slo=slo_, taken_at=at, status=status, fault=fault, error=error,
        sli=1 - error_ratio if ok else None,
        budget_remaining=budget.budget_remaining(error_ratio, slo_.budget) if ok else None,
        error_ratios=(ratios or dict.fromkeys(budget.BURN_WINDOWS, error_ratio)) if ok else {},
    )
    SLO.objects.filter(pk=slo_.pk).update(latest_snapshot=stored,
                                          **({"last_good_at": at} if ok else {}))
    slo_.refresh_from_db()
    return stored


def slo_form_data(service_, source, **overrides):
    """What the SLO form posts for a valid availability SLO on the workload."""
    data = {"service": service_.pk, "name": "Checkout availability", "description": "",
            "kind": "availability", "data_source": source.pk, "good_query": WORKLOAD_GOOD,
            "total_query": WORKLOAD_TOTAL, "target": "99.9", "window": "28d",
            "fast_severity": "critical", "slow_severity": "warning", "ticket_severity": "ticket"}
    data.update(overrides)
    return data
