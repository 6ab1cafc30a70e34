"""Deterministic factories for the postmortems domain: plain functions with explicit defaults."""

from datetime import UTC, date, datetime, timedelta

from postmortems import recurring
from postmortems.models import ActionItem, Incident, Postmortem, Service, TimelineEntry, Why

T0 = datetime(2026, 3, 4, 10, 0, 0, tzinfo=UTC)


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
    # What the task queued on commit does in the app (tests run inside a transaction).
    recurring.link_root_causes([made.pk])
    return made


def action_item(incident_, text="Add an alert", owner=None, due=date(2099, 1, 1),
                ticket="OPS-1", **fields):
    return ActionItem.objects.create(
        incident=incident_, text=text, owner=owner, due=due, ticket=ticket, **fields
    )
