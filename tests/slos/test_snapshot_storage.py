"""Snapshot storage stays under ~1 GB for 1,000 SLOs on 28-day windows (issue 9): the table
carries two indexes, its primary key and the unique (slo, cycle) one, whose leading SLO column
also serves the SLO's foreign key and the chart's per-SLO read; a second (slo, taken_at) index
and the foreign key's own index cost 138 MB at that size and served nothing the first did not."""

import pytest
from django.db import connection

from slos.models import Snapshot

pytestmark = pytest.mark.django_db


def snapshot_indexes():
    with connection.cursor() as cursor:
        constraints = connection.introspection.get_constraints(cursor, Snapshot._meta.db_table)
    return {name: c["columns"] for name, c in constraints.items()
            if c["index"] or c["unique"]}


def test_the_snapshot_table_has_its_primary_key_and_one_index_per_slo_and_cycle():
    indexes = snapshot_indexes()
    assert sorted(indexes.values()) == [["id"], ["slo_id", "cycle"]]
    assert indexes["slos_snapshot_one_per_cycle"] == ["slo_id", "cycle"]


def test_the_chart_reads_one_slos_snapshots_through_that_index(make_slo, offline_source):
    slo = make_slo(offline_source)
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")  # a test table is a page or two
    plan = slo.snapshots.within(slo.created_at).hourly_budget().explain()
    assert "slos_snapshot_one_per_cycle" in plan
