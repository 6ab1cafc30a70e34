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
