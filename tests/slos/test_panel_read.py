"""The SLO page reads its SLO by a query compiled once per process (objectives.for_panel):
the same SLO, service, data source and latest snapshot as for_panels().get(), in one query."""

import pytest

from slos.models import SLO
from slos.models.objectives import for_panel

pytestmark = pytest.mark.django_db


def fields(instance):
    return {name: value for name, value in vars(instance).items() if name != "_state"}


def test_the_panel_reads_what_for_panels_reads_in_one_query(
        offline_source, make_slo, record_poll, django_assert_num_queries):
    polled, never = make_slo(offline_source), make_slo(offline_source, name="Never polled")
    record_poll(polled, error_ratio=0.0004)
    for slo in (polled, never):
        expected = SLO.objects.for_panels().get(pk=slo.pk)
        with django_assert_num_queries(1):
            read = for_panel(slo.pk)
            related = (read.service, read.data_source, read.latest_snapshot)
        assert fields(read) == fields(expected) and not read._state.adding
        assert [related_fields and fields(related_fields) for related_fields in related] == [
            related_fields and fields(related_fields) for related_fields in (
                expected.service, expected.data_source, expected.latest_snapshot)]
    assert read.latest_snapshot is None


def test_no_slo_reads_as_none(db):
    assert for_panel(987654) is None
