"""Snapshot writes are idempotent per poll cycle (issue 10): the beat's cycle stores its
snapshots under the cycle's start, one row per SLO and cycle (a unique constraint), and a
cycle run again rewrites its rows; the migration that brought the constraint removed the
duplicates already there. A poll of one SLO (Poll now, a retry) is a snapshot of its own."""

from datetime import UTC, datetime, timedelta

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from slos import poller
from slos.models import SLO, Snapshot
from slos.tasks import poll_all

pytestmark = pytest.mark.django_db


def slos():
    return list(SLO.objects.select_related("data_source"))


def test_a_cycle_starts_on_a_multiple_of_the_poll_interval(settings):
    settings.SLO_POLL_INTERVAL = 60
    assert poller.cycle_start(datetime(2026, 11, 30, 5, 21, 59, 999, tzinfo=UTC)) == \
        datetime(2026, 11, 30, 5, 21, tzinfo=UTC)
    settings.SLO_POLL_INTERVAL = 300
    assert poller.cycle_start(datetime(2026, 11, 30, 5, 24, 59, tzinfo=UTC)) == \
        datetime(2026, 11, 30, 5, 20, tzinfo=UTC)


def test_the_beat_cycle_run_twice_leaves_one_snapshot_per_slo(offline_source, make_slo,
                                                              settings):
    settings.SLO_POLL_INTERVAL = 10**9  # one cycle for the whole test, whatever the clock
    for i in range(3):
        make_slo(offline_source, name=f"SLO {i}")

    assert poll_all()["polled"] == 3
    first = set(Snapshot.objects.values_list("pk", flat=True))
    assert poll_all()["polled"] == 3

    assert set(Snapshot.objects.values_list("pk", flat=True)) == first
    assert set(SLO.objects.values_list("latest_snapshot", flat=True)) == first
    assert set(Snapshot.objects.values_list("cycle", flat=True)) == {poller.cycle_start()}


def test_a_cycle_run_again_rewrites_its_row_with_the_new_figures(offline_source, make_slo,
                                                                 fake_prometheus, make_source):
    slo = make_slo(offline_source)
    cycle = poller.cycle_start()
    (failed,) = poller.poll(slos(), cycle=cycle)
    assert failed.status == Snapshot.Status.ERROR
    slo.data_source = make_source(fake_prometheus.url, name="answering")
    slo.save()

    (again,) = poller.poll(slos(), cycle=cycle)

    (stored,) = Snapshot.objects.filter(slo=slo)
    assert stored.pk == failed.pk == again.pk
    assert stored.status == Snapshot.Status.OK and stored.error == "" and stored.sli is not None
    assert stored.taken_at >= failed.taken_at


def test_another_cycle_or_a_poll_of_one_slo_is_a_new_snapshot(offline_source, make_slo):
    make_slo(offline_source)
    cycle = poller.cycle_start()
    poller.poll(slos(), cycle=cycle - timedelta(minutes=1))
    poller.poll(slos(), cycle=cycle)
    poller.poll(slos())  # Poll now
    poller.poll(slos())
    assert sorted(Snapshot.objects.values_list("cycle", flat=True),
                  key=lambda c: (c is None, c)) == [
        cycle - timedelta(minutes=1), cycle, None, None]


@pytest.mark.django_db(transaction=True)
def test_the_migration_keeps_one_snapshot_per_cycle_the_shown_one_first(offline_source,
                                                                         make_slo, settings):
    settings.SLO_POLL_INTERVAL = 60
    first, second = make_slo(offline_source, name="A"), make_slo(offline_source, name="B")
    executor = MigrationExecutor(connection)
    leaves = executor.loader.graph.leaf_nodes()
    executor.migrate([("slos", "0011_fast_ticket_alert")])  # before cycles were recorded
    executor.loader.build_graph()
    apps = executor.loader.project_state([("slos", "0011_fast_ticket_alert")]).apps
    OldSnapshot, OldSLO = apps.get_model("slos", "Snapshot"), apps.get_model("slos", "SLO")
    minute = datetime(2026, 11, 30, 5, 21, tzinfo=UTC)

    def snapshot(slo, seconds):
        return OldSnapshot.objects.create(slo_id=slo.pk, status="error",
                                          taken_at=minute + timedelta(seconds=seconds)).pk

    shown, rerun, next_minute = snapshot(first, 1), snapshot(first, 40), snapshot(first, 61)
    _older, newer = snapshot(second, 5), snapshot(second, 50)
    OldSLO.objects.filter(pk=first.pk).update(latest_snapshot_id=shown)

    executor = MigrationExecutor(connection)
    executor.migrate(leaves)

    assert set(Snapshot.objects.values_list("pk", "slo", "cycle")) == {
        (shown, first.pk, minute), (next_minute, first.pk, minute + timedelta(minutes=1)),
        (newer, second.pk, minute)}
    assert rerun not in set(Snapshot.objects.values_list("pk", flat=True))
    first.refresh_from_db()
    assert first.latest_snapshot_id == shown
