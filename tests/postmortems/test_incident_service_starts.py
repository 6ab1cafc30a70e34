"""The recurring services read the incident-service links the database keeps with their
incident's start (IncidentServiceStart): after every kind of write they are the links of the
incidents outside the trash, and the dashboard's recurring services those the links give."""

from datetime import timedelta

import pytest
from django.db.models import Count, F

from postmortems import recurring
from postmortems.models import Incident, IncidentServiceStart, Service
from tests.factories import NOW

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen_now")]

Link = Incident.services.through


def kept():
    rows = IncidentServiceStart.objects.values_list("incident_id", "service_id", "started_at")
    assert set(rows) == set(Incident.objects.values_list("pk", "services", "started_at")
                            .filter(services__isnull=False))
    return len(rows)


def recurring_by_the_links(minimum=2):
    """The spec: the services of the incidents of the last 90 days, from the links."""
    return [(service.pk, service.name, service.recent) for service in Service.objects.filter(
        incidents__started_at__gte=NOW - timedelta(days=90),
        incidents__deleted_at__isnull=True).annotate(recent=Count("incidents"))
        .filter(recent__gte=minimum).order_by("-recent", "name")[:5]]


def test_the_database_keeps_the_links():
    assert IncidentServiceStart.kept()  # the suite runs on PostgreSQL, where the triggers are


def test_the_links_follow_services_set_added_removed_and_cleared(make):
    checkout, search, billing = (make.service(name) for name in ("Checkout", "Search", "Billing"))
    first = make.incident("First", started_at=NOW - timedelta(days=1), services=[checkout])
    second = make.incident("Second", started_at=NOW - timedelta(days=2),
                           services=[checkout, search])
    assert kept() == 3
    first.services.add(search, billing)
    second.services.remove(checkout)
    assert kept() == 4
    first.services.set([billing])
    Link.objects.bulk_create([Link(incident=second, service=billing),
                              Link(incident=second, service=checkout)])
    assert kept() == 4
    Link.objects.filter(incident=first, service=billing).update(service=checkout)
    assert kept() == 4
    second.services.clear()
    assert kept() == 1
    Service.objects.filter(pk=checkout.pk).delete()
    assert kept() == 0


def test_the_links_follow_the_incidents_start_trash_and_deletes(make, editor):
    checkout = make.service("Checkout")
    first = make.incident("First", started_at=NOW - timedelta(days=1), services=[checkout])
    second = make.incident("Second", started_at=NOW - timedelta(days=2), services=[checkout])
    first.started_at = NOW - timedelta(days=100)
    first.save()
    Incident.objects.filter(pk=second.pk).update(started_at=F("started_at") - timedelta(hours=1),
                                                 title="Renamed")
    assert kept() == 2
    first.move_to_trash(editor)
    assert kept() == 1
    first.restore_from_trash(editor)
    assert kept() == 2
    second.delete()
    assert kept() == 1


def test_the_recurring_services_are_those_the_links_give(make, editor):
    checkout, search, billing = (make.service(name) for name in ("Checkout", "Search", "Billing"))
    for day, services in enumerate([[checkout], [checkout, search], [search], [billing],
                                    [checkout]]):
        make.incident(f"Day {day}", started_at=NOW - timedelta(days=day * 35), services=services)
    trashed = make.incident("Trashed", started_at=NOW, services=[billing])
    trashed.move_to_trash(editor)
    make.incident("Also billing", started_at=NOW, services=[billing])

    services = [(s.pk, s.name, s.recent) for s in recurring.recurring_services()]
    assert services == recurring_by_the_links()
    assert services == [(checkout.pk, "Checkout", 2), (search.pk, "Search", 2)]
    assert [(s.pk, s.recent) for s in recurring.recurring_services(minimum=1)] == [
        (checkout.pk, 2), (search.pk, 2), (billing.pk, 1)]


@pytest.mark.django_db(transaction=True)
def test_a_link_added_while_its_incident_moves_keeps_the_new_start(make):
    """A service added while another transaction changes the incident's start: the link's
    trigger waits for it, so the link is kept with the start committed."""
    import threading
    import time

    from django.db import connections, transaction

    checkout = make.service("Checkout")
    incident = make.incident("Moving", started_at=NOW - timedelta(days=1))
    added = threading.Event()

    def add_elsewhere():
        try:
            incident.services.add(checkout)
            added.set()
        finally:
            connections.close_all()

    with transaction.atomic():
        Incident.objects.filter(pk=incident.pk).update(started_at=NOW - timedelta(days=200))
        other = threading.Thread(target=add_elsewhere)
        other.start()
        time.sleep(0.3)
        assert not added.is_set()  # waiting for this transaction
    other.join(timeout=10)
    assert added.is_set()
    assert kept() == 1
    assert IncidentServiceStart.objects.get().started_at == NOW - timedelta(days=200)
