"""History is kept whole within the SLO window and down-sampled to one snapshot a day
beyond it."""

from datetime import timedelta

import pytest
from django.utils import timezone

from slos.models import Snapshot

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen_now")]


def test_snapshots_beyond_the_window_keep_one_a_day(offline_source, make_slo, record_poll):
    slo = make_slo(offline_source, window="7d")
    now = timezone.now().replace(minute=0, second=0, microsecond=0)
    for hours in range(10 * 24 - 6, -1, -6):  # every 6 h for 10 days, oldest first
        record_poll(slo, error_ratio=0.0001, at=now - timedelta(hours=hours))

    deleted = Snapshot.objects.downsample(now=now)

    kept = list(slo.snapshots.values_list("taken_at", flat=True))
    inside = [t for t in kept if t >= now - timedelta(days=7)]
    outside = [t for t in kept if t < now - timedelta(days=7)]
    assert len(inside) == 7 * 4 + 1
    assert len({t.date() for t in outside}) == len(outside)  # one a day
    assert deleted == 40 - len(kept)
    assert slo.snapshots.first().pk == slo.latest_snapshot_id  # the latest is never lost


def test_downsampling_twice_changes_nothing(offline_source, make_slo, record_poll):
    slo = make_slo(offline_source, window="7d")
    now = timezone.now()
    for hours in range(20 * 24 - 12, -1, -12):
        record_poll(slo, error_ratio=0.0001, at=now - timedelta(hours=hours))
    Snapshot.objects.downsample(now=now)
    assert Snapshot.objects.downsample(now=now) == 0


def test_retention_tiers_keep_raw_then_five_minutes_then_hours(offline_source, make_slo,
                                                              record_poll, settings):
    """Raw for 48 h, one per 5 minutes up to 3 days, one per hour within the window."""
    settings.SLO_SNAPSHOT_RAW_HOURS, settings.SLO_SNAPSHOT_FIVE_MINUTE_DAYS = 48, 3
    slo = make_slo(offline_source, window="7d")
    now = timezone.now().replace(minute=0, second=0, microsecond=0)
    ages = [timedelta(hours=h, minutes=m) for h in (1, 47, 50, 70, 100)
            for m in range(1, 60, 2)]  # every 2 minutes within 5 clock hours
    for age in sorted(ages, reverse=True):
        record_poll(slo, error_ratio=0.0001, at=now - age)

    Snapshot.objects.downsample(now=now)

    def kept(hours):
        start, end = now - timedelta(hours=hours, minutes=59), now - timedelta(hours=hours)
        return slo.snapshots.filter(taken_at__gte=start, taken_at__lte=end).count()
    assert kept(1) == 30 and kept(47) == 30  # raw
    assert kept(50) == 12 and kept(70) == 12  # one per 5 minutes
    assert kept(100) == 1  # one per hour
    assert slo.snapshots.first().pk == slo.latest_snapshot_id


def test_a_silent_slo_keeps_its_latest_snapshot(offline_source, make_slo, record_poll):
    slo = make_slo(offline_source, window="7d")
    now = timezone.now()
    for minutes in (0, 1, 2):
        record_poll(slo, error_ratio=0.0001, at=now - timedelta(days=20, minutes=-minutes))
    latest = slo.snapshots.first().pk
    Snapshot.objects.downsample(now=now)
    slo.refresh_from_db()
    assert slo.latest_snapshot_id == latest
    assert slo.snapshots.filter(pk=latest).exists()
