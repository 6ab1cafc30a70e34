"""Statements run together (postmortems.statements): one round trip for several statements on
PostgreSQL, each read back as the queryset it came from reads it."""

from datetime import timedelta

import pytest
from django.db.models import DateTimeField

from postmortems.models import Incident
from postmortems.statements import Given, Statement, run
from tests.factories import T0

pytestmark = pytest.mark.django_db


def test_several_statements_are_one_query(make, django_assert_num_queries):
    first = make.incident("Checkout down")
    make.incident("Search slow", resolved_at=first.started_at + timedelta(hours=1),
                  status=Incident.Status.RESOLVED)
    open_incidents = Incident.objects.open().values("pk", "title", "started_at")
    times = Incident.objects.mean_times_row()

    with django_assert_num_queries(1):
        listed, (mean_times,), counted = run(Statement.of(open_incidents, dict),
                                             Statement.of(times, dict),
                                             Statement("SELECT count(*) FROM postmortems_incident",
                                                       ()))

    assert listed == list(open_incidents)
    assert mean_times == Incident.objects.mean_times() == {
        "incidents": 2, "mttd": timedelta(minutes=5), "mttr": timedelta(hours=1)}
    assert counted == [(2,)]


def test_mean_times_of_no_incident_are_one_row():
    assert Incident.objects.mean_times() == {"incidents": 0, "mttd": None, "mttr": None}
    assert run(Statement.of(Incident.objects.mean_times_row(), dict)) == [
        [{"incidents": 0, "mttd": None, "mttr": None}]]



def test_a_given_parameter_is_bound_when_the_statement_runs(make):
    """A statement compiled once with a Given start of its window reads what the queryset with
    that start reads, for each start given."""
    first = make.incident("Old", started_at=T0 - timedelta(days=10))
    make.incident("New", started_at=T0, resolved_at=T0 + timedelta(hours=2),
                  status=Incident.Status.RESOLVED)
    once = Statement.of(Incident.objects.mean_times_row(Given("since", DateTimeField())), dict)

    counted = []
    for since in (first.started_at, T0 - timedelta(days=1), T0 + timedelta(days=1)):
        ((row,),) = run(once.given(since=since))
        assert row == Incident.objects.mean_times(since=since)
        counted.append(row["incidents"])
    assert counted == [2, 1, 0]
