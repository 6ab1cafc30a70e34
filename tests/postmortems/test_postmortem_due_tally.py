"""The dashboard's count of postmortems due stays exact and immediate whatever writes the
incidents and postmortems: the tally the database keeps plus the outages the clock makes due
is needing_postmortem's count, after every kind of write."""

from datetime import UTC, datetime, timedelta

import pytest
from django.db import connection
from django.db.models import F
from django.utils import timezone

from postmortems import attention
from postmortems.models import Incident, Postmortem, PostmortemDueTally
from postmortems.models.tally import FOLD_ABOVE
from tests.factories import T0

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen_now")]

LATER = datetime(2100, 1, 1, tzinfo=UTC)  # an outage the database's clock has not reached


def due_counted():
    """The dashboard's count (the tally and the clock's), checked against the rule."""
    counted = attention.needs_attention()["counts"]["due"]
    assert counted == Incident.objects.needing_postmortem().count()
    return counted


def kept():
    return sum(PostmortemDueTally.objects.values_list("incidents", flat=True))


def publish(postmortem):
    postmortem.state = Postmortem.State.PUBLISHED
    postmortem.published_at = timezone.now()
    postmortem.save()


def test_the_database_keeps_the_tally():
    assert PostmortemDueTally.kept()  # the suite runs on PostgreSQL, where the triggers are


def test_the_count_follows_incident_saves_updates_bulk_writes_and_deletes(make):
    sev1 = make.incident("Sev 1", severity=Incident.Severity.SEV1)
    minor = make.incident("Minor", severity=Incident.Severity.SEV4)
    assert due_counted() == 1

    minor.security = True
    minor.save()
    assert due_counted() == 2
    Incident.objects.filter(pk=sev1.pk).update(severity=Incident.Severity.SEV3)
    assert due_counted() == 1
    Incident.objects.bulk_create(
        Incident(title=f"Bulk {i}", started_at=T0, severity=Incident.Severity.SEV2,
                 status=Incident.Status.RESOLVED) for i in range(4))
    assert due_counted() == 5
    Incident.objects.filter(title__startswith="Bulk").update(data_loss=True,
                                                             severity=Incident.Severity.SEV4)
    assert due_counted() == 5
    Incident.objects.filter(title="Bulk 0").delete()
    minor.delete()
    assert due_counted() == 3


def test_the_count_follows_the_customer_facing_outage_and_the_clock(make):
    short = make.incident("Short", severity=Incident.Severity.SEV4, customer_facing=True,
                          mitigated_at=T0 + timedelta(minutes=10))
    ongoing = make.incident("Ongoing", severity=Incident.Severity.SEV4, customer_facing=True)
    make.incident("Not yet 15 minutes", started_at=LATER, severity=Incident.Severity.SEV4,
                  detected_at=LATER, customer_facing=True)
    assert due_counted() == 1  # the ongoing outage, by the clock

    Incident.objects.filter(pk=short.pk).update(mitigated_at=T0 + timedelta(minutes=16))
    assert due_counted() == 2
    ongoing.mitigated_at = T0 + timedelta(minutes=14)  # ended short of the threshold
    ongoing.save()
    assert due_counted() == 1
    Incident.objects.filter(pk=ongoing.pk).update(mitigated_at=None, resolved_at=None,
                                                  security=True)
    assert due_counted() == 2  # required by a rule: the tally's, not the clock's
    assert kept() == 2
    Incident.objects.filter(pk=short.pk).update(mitigated_at=None,
                                                started_at=F("started_at") - timedelta(days=1))
    assert (due_counted(), kept()) == (2, 1)  # going on again: the clock's


def test_the_count_follows_publishing_unpublishing_and_postmortem_deletes(make):
    incidents = [make.incident(f"Sev 1 #{i}", severity=Incident.Severity.SEV1) for i in range(3)]
    draft, published, deleted = (make.postmortem(incident) for incident in incidents)
    assert due_counted() == 3

    publish(published)
    publish(deleted)
    assert due_counted() == 1
    Postmortem.objects.filter(pk=published.pk).update(state=Postmortem.State.IN_REVIEW)
    assert due_counted() == 2
    Postmortem.objects.filter(pk=draft.pk).update(state=Postmortem.State.PUBLISHED,
                                                  published_at=timezone.now())
    assert due_counted() == 1
    Postmortem.objects.filter(pk=published.pk).update(executive_summary="Edited")
    deleted.delete()
    assert due_counted() == 2
    Postmortem.objects.create(incident=incidents[2], state=Postmortem.State.PUBLISHED,
                              published_at=timezone.now())
    assert due_counted() == 1
    Incident.objects.filter(pk=incidents[0].pk).update(severity=Incident.Severity.SEV4)
    assert due_counted() == 1  # published: it was not counted, and still is not


def test_the_count_follows_the_trash(make, editor):
    incident = make.incident("Sev 1", severity=Incident.Severity.SEV1)
    make.postmortem(incident)
    assert due_counted() == 1
    incident.move_to_trash(editor)
    assert due_counted() == 0
    incident.restore_from_trash(editor)
    assert due_counted() == 1
    incident.move_to_trash(editor)
    incident.purge(editor)
    assert due_counted() == 0


def test_truncating_the_postmortems_counts_every_incident_again(make):
    incidents = [make.incident(f"Sev 1 #{i}", severity=Incident.Severity.SEV1) for i in range(2)]
    for incident in incidents:
        publish(make.postmortem(incident))
    assert due_counted() == 0
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # no pending checks: it may truncate
        cursor.execute("TRUNCATE postmortems_postmortem CASCADE")
    assert due_counted() == 2


def test_a_long_tally_is_folded_into_one_row_when_read(make):
    for i in range(FOLD_ABOVE + 1):
        make.incident(f"Sev 1 #{i}", severity=Incident.Severity.SEV1)
    assert PostmortemDueTally.objects.count() == FOLD_ABOVE + 1
    assert due_counted() == FOLD_ABOVE + 1
    assert list(PostmortemDueTally.objects.values_list("incidents", flat=True)) == [
        FOLD_ABOVE + 1]


@pytest.mark.django_db(transaction=True)
def test_a_postmortem_published_while_its_incident_changes_is_counted_once(make):
    """The incident becomes required (not committed yet) while another transaction publishes
    its postmortem: that one's count waits for the incident's, so neither misses the other."""
    import threading
    import time

    from django.db import connections, transaction

    incident = make.incident("Minor", severity=Incident.Severity.SEV4)
    postmortem = make.postmortem(incident)
    published = threading.Event()

    def publish_elsewhere():
        try:
            Postmortem.objects.filter(pk=postmortem.pk).update(
                state=Postmortem.State.PUBLISHED, published_at=timezone.now())
            published.set()
        finally:
            connections.close_all()

    with transaction.atomic():
        Incident.objects.filter(pk=incident.pk).update(severity=Incident.Severity.SEV1)
        other = threading.Thread(target=publish_elsewhere)
        other.start()
        time.sleep(0.3)
        assert not published.is_set()  # waiting for this transaction
    other.join(timeout=10)
    assert published.is_set()
    assert due_counted() == 0


def test_the_tally_holds_the_rules_on_every_combination_of_their_columns(make):
    """The triggers have the rules written out in SQL (migration 0024): on every combination
    of the columns the rules read, and with half of those postmortems published, the count
    is needing_postmortem's (a change of the rules without a migration fails here)."""
    from itertools import product

    ends = [None, timedelta(minutes=10), timedelta(minutes=15), timedelta(minutes=20),
            timedelta(hours=2)]
    Incident.objects.bulk_create(
        Incident(title=f"Case {number}", started_at=T0, severity=severity,
                 customer_facing=customer_facing, data_loss=data_loss, security=security,
                 near_miss=near_miss, could_have_been_severe=could_have_been_severe,
                 novel_failure_mode=novel, status=Incident.Status.RESOLVED if end else
                 Incident.Status.OPEN,
                 mitigated_at=T0 + end if end and number % 2 else None,
                 resolved_at=T0 + end if end else None)
        for number, (severity, customer_facing, end, data_loss, security, near_miss,
                     could_have_been_severe, novel) in enumerate(product(
                         Incident.Severity.values, [False, True], ends, *[[False, True]] * 5)))
    first = due_counted()
    Postmortem.objects.bulk_create(
        Postmortem(incident=incident, state=Postmortem.State.PUBLISHED,
                   published_at=timezone.now())
        for incident in list(Incident.objects.order_by("pk"))[::2])
    assert 0 < due_counted() < first
