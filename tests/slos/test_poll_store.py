"""A poll cycle's snapshots are written in a fixed number of queries, whatever the number of
SLOs, and each SLO points at its own newest snapshot."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from slos import poller
from slos.models import SLO, Snapshot

pytestmark = pytest.mark.django_db


def measured(slo, status=Snapshot.Status.OK):
    return poller.Measurement(slo.pk, status, sli=0.999, budget_remaining=0.5,
                              error_ratios={"1h": 0.001})


def test_snapshots_are_stored_in_a_fixed_number_of_queries(make_slo, offline_source,
                                                           django_assert_num_queries):
    first = make_slo(offline_source, name="First")
    at = timezone.now().replace(microsecond=0)
    with CaptureQueriesContext(connection) as one:
        poller.store([measured(first)], at)
    slos = [make_slo(offline_source, name=f"SLO {n}") for n in range(6)]
    with django_assert_num_queries(len(one)):
        snapshots = poller.store(
            [measured(slo, Snapshot.Status.ERROR if n == 0 else Snapshot.Status.OK)
             for n, slo in enumerate(slos)], at)
    latest = dict(SLO.objects.filter(pk__in=[s.pk for s in slos])
                  .values_list("pk", "latest_snapshot_id"))
    assert latest == {snapshot.slo_id: snapshot.pk for snapshot in snapshots}
    assert SLO.objects.get(pk=slos[0].pk).last_good_at is None
    assert SLO.objects.get(pk=slos[1].pk).last_good_at == at
