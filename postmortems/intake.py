"""Incidents that come in by themselves: a group of alerts from a monitoring source opens an
incident, or joins the open incident of the same group.

The rules, in ``receive``:
- the first delivery of a group with a firing alert opens an incident (title, severity,
  services and SLOs given by the source), with a draft postmortem to hold its timeline;
  later deliveries of the same group join it while it is open (a resolved incident is not
  reopened: the group starts a new one);
- every alert adds an "Alert fired" timeline entry at its own start and, once resolved, an
  "Alert resolved" entry at its own end (UTC, to the second);
- a re-delivery adds nothing: an alert is known by its fingerprint and start;
- when every alert of the group is resolved, the incident says so (AlertGroup.all_resolved_at
  and a timeline note) but stays open: a person resolves it.

Sources translate their payload into an ``AlertBatch`` (api/alertmanager.py does it for
Alertmanager; a chat bridge can build one from a message) and call ``receive``.
"""

import hashlib
from dataclasses import dataclass, field
from datetime import datetime

from django.db import connection, transaction

from postmortems.models import (
    AlertGroup,
    Incident,
    Postmortem,
    ReceivedAlert,
    Service,
    TimelineEntry,
)
from postmortems.revisions.concurrency import create_tracked

ALL_RESOLVED_NOTE = ("Every alert of this group is resolved. The incident stays open until a "
                     "person resolves it.")


@dataclass
class ReceivedSignal:
    """One alert as a source reports it."""

    fingerprint: str
    name: str
    firing: bool
    starts_at: datetime
    ends_at: datetime | None = None
    summary: str = ""
    labels: dict = field(default_factory=dict)
    annotations: dict = field(default_factory=dict)


@dataclass
class AlertBatch:
    """One delivery: a group of alerts with what the incident should say."""

    source: str
    key: str
    title: str
    severity: int
    signals: list
    service_slugs: list = field(default_factory=list)
    slo_slugs: list = field(default_factory=list)
    receiver: str = ""
    external_url: str = ""


@dataclass
class IntakeResult:
    incident: Incident | None
    opened: bool = False
    entries_added: int = 0
    all_resolved: bool = False


def _second(moment):
    return moment.replace(microsecond=0) if moment is not None else None


def _lock(source, key):
    """Serialise deliveries of one group (two at once must not open two incidents)."""
    if connection.vendor == "postgresql":
        digest = hashlib.sha256(f"{source}\n{key}".encode()).digest()
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)",
                           [int.from_bytes(digest[:8], "big", signed=True)])


@transaction.atomic
def receive(batch):
    """Apply one delivery; returns what it changed (see the module docstring)."""
    _lock(batch.source, batch.key)
    group = (AlertGroup.objects.joinable(batch.source, batch.key)
             .select_related("incident").order_by("-pk").first())
    opened = False
    if group is None:
        if not batch.signals:
            return IntakeResult(incident=None)
        group = _open_incident(batch)
        opened = True
    postmortem = Postmortem.objects.filter(incident_id=group.incident_id).first()
    if postmortem is None:
        postmortem = Postmortem.objects.create(incident=group.incident)
    added = 0
    for signal in batch.signals:
        added += _record(group, postmortem, signal)
    all_resolved = _note_if_all_resolved(group, postmortem)
    return IntakeResult(incident=group.incident, opened=opened,
                        entries_added=added + (1 if all_resolved == "noted" else 0),
                        all_resolved=bool(all_resolved))


def _open_incident(batch):
    started = min(_second(s.starts_at) for s in batch.signals)
    incident = create_tracked(Incident(
        title=batch.title[:200], severity=batch.severity, started_at=started,
        detected_at=started,
        summary=f"Opened by {batch.source} for the alert group `{batch.key}`.",
    ), reason=f"opened by {batch.source}")
    services = list(Service.objects.filter(slug__in=batch.service_slugs))
    if services:
        incident.services.set(services)
    _link_slos(incident, batch.slo_slugs)
    Postmortem.objects.create(incident=incident)
    return AlertGroup.objects.create(
        source=batch.source, key=batch.key, incident=incident, receiver=batch.receiver[:200],
        external_url=batch.external_url[:1000])


def _link_slos(incident, slugs):
    from slos.models import SLO, IncidentImpact

    for slo in SLO.objects.filter(slug__in=slugs):
        IncidentImpact.objects.get_or_create(slo=slo, incident=incident)


def _record(group, postmortem, signal):
    """Store the alert once; add its fired / resolved entries once. Returns entries added."""
    alert, _ = ReceivedAlert.objects.get_or_create(
        group=group, fingerprint=signal.fingerprint[:100], starts_at=_second(signal.starts_at),
        defaults={"name": signal.name[:200], "labels": signal.labels,
                  "annotations": signal.annotations})
    added = 0
    described = f"{signal.name}: {signal.summary}" if signal.summary else signal.name
    if alert.fired_entry_id is None:
        alert.fired_entry = create_tracked(TimelineEntry(
            postmortem=postmortem, at=alert.starts_at, kind=TimelineEntry.Kind.ALERT,
            text=f"Alert fired: {described}"), reason=f"from {group.source}")
        added += 1
    if not signal.firing and signal.ends_at is not None and alert.resolved_entry_id is None:
        alert.ends_at = max(_second(signal.ends_at), alert.starts_at)
        alert.resolved_entry = create_tracked(TimelineEntry(
            postmortem=postmortem, at=alert.ends_at, kind=TimelineEntry.Kind.NOTE,
            text=f"Alert resolved: {described}"), reason=f"from {group.source}")
        added += 1
    if added:
        alert.save()
    return added


def _note_if_all_resolved(group, postmortem):
    """"noted" when this delivery resolved the last alert, True when they were already all
    resolved, False while one still fires (a new firing clears the mark)."""
    unresolved = group.alerts.filter(ends_at__isnull=True).exists()
    if unresolved:
        if group.all_resolved_at is not None:
            group.all_resolved_at = None
            group.save(update_fields=["all_resolved_at"])
        return False
    if group.all_resolved_at is not None:
        return True
    last_end = max(group.alerts.values_list("ends_at", flat=True))
    group.all_resolved_at = last_end
    group.save(update_fields=["all_resolved_at"])
    create_tracked(TimelineEntry(postmortem=postmortem, at=last_end,
                                 kind=TimelineEntry.Kind.NOTE, text=ALL_RESOLVED_NOTE),
                   reason=f"from {group.source}")
    return "noted"
