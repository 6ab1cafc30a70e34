"""Statements run together (postmortems.statements): one round trip for several statements on
PostgreSQL, each read back as the queryset it came from reads it."""

from datetime import timedelta

import pytest
from django.db.models import Count, DateTimeField

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


def test_a_statement_of_instances_reads_what_the_queryset_makes(make):
    from postmortems import kept_html
    from postmortems.models import Postmortem

    make.postmortem(make.incident("Checkout down"), executive_summary="Pool exhausted")
    postmortems = Postmortem.objects.all()
    (read,) = run(Statement.of_instances(postmortems))
    assert kept_html.made_of(read) == kept_html.made_of(list(postmortems))
    assert read[0]._saved_root_cause == postmortems[0]._saved_root_cause  # its own from_db
    assert not read[0]._state.adding


def test_a_statement_of_instances_reads_related_rows_and_annotations(make, owner):
    from postmortems import kept_html
    from postmortems.models import Postmortem

    make.postmortem(make.incident("Checkout down", owner=owner))
    make.postmortem(make.incident("Search slow", owner=None))
    postmortems = (Postmortem.objects.select_related("incident", "incident__owner")
                   .annotate(whys_count=Count("whys")).order_by("pk"))
    (read,) = run(Statement.of_instances(postmortems))
    assert kept_html.made_of(read) == kept_html.made_of(list(postmortems))
    assert [pm.incident.owner for pm in read] == [owner, None]


def test_a_statement_of_values_is_not_one_of_instances():
    with pytest.raises(ValueError):
        Statement.of_instances(Incident.objects.values("pk"))


# --- kept plans (run(..., prepared=True)) ---------------------------------------------------

@pytest.fixture
def fresh_session():
    """This database session with no prepared statement and none known."""
    from django.db import connection

    from postmortems import statements

    with connection.cursor() as cursor:
        cursor.execute("DEALLOCATE ALL")
    statements._PREPARED.pop(connection.connection, None)
    return connection


def _prepared_names(connection):
    with connection.cursor() as cursor:
        cursor.execute("SELECT name FROM pg_prepared_statements ORDER BY name")
        return [name for (name,) in cursor.fetchall()]


def test_prepared_statements_read_what_plain_ones_read_and_are_planned_once(
        make, fresh_session):
    """The first run prepares each statement in its round trip, the next ones only EXECUTE
    them; a Given parameter is the prepared statement's parameter (one statement for every
    start), a value it was compiled with is written into it ("%" included)."""
    from django.test.utils import CaptureQueriesContext

    first = make.incident("Old 100% outage", started_at=T0 - timedelta(days=10))
    make.incident("New", started_at=T0, resolved_at=T0 + timedelta(hours=2),
                  status=Incident.Status.RESOLVED)
    times = Statement.of(Incident.objects.mean_times_row(Given("since", DateTimeField())), dict)
    titled = Statement.of(Incident.objects.filter(title__contains="100%").values("pk"), dict)

    runs = []
    with CaptureQueriesContext(fresh_session) as queries:
        for since in (first.started_at, T0 - timedelta(days=1), T0 + timedelta(days=1)):
            plainly = run(times.given(since=since), titled)
            assert run(times.given(since=since), titled, prepared=True) == plainly
            runs.append(plainly)
    assert [row["incidents"] for ((row,), _) in runs] == [2, 1, 0]
    assert runs[0][1] == [{"pk": first.pk}]
    prepared = [query["sql"] for query in queries.captured_queries[1::2]]
    assert prepared[0].startswith("PREPARE") and prepared[0].count("PREPARE") == 2
    assert all(sql.startswith("EXECUTE") and "PREPARE" not in sql for sql in prepared[1:])
    assert len(_prepared_names(fresh_session)) == 2


def test_a_session_keeps_a_bounded_number_of_prepared_statements(fresh_session, monkeypatch):
    from postmortems import statements

    monkeypatch.setattr(statements, "PREPARED_PER_SESSION", 3)
    for number in range(10):
        assert run(Statement(f"SELECT {number}", ()), prepared=True) == [[(number,)]]
        assert len(_prepared_names(fresh_session)) <= 3


def test_after_a_failed_batch_the_session_runs_statements_plainly(fresh_session):
    """Which of a failed batch's PREPAREs ran is unknown: that session prepares no more (the
    statements are run as they are), and what it runs is still right."""
    from django.db import DatabaseError, transaction
    from django.test.utils import CaptureQueriesContext

    with pytest.raises(DatabaseError), transaction.atomic():
        run(Statement("SELECT 1", ()), Statement("SELECT 1 / 0", ()), prepared=True)
    with CaptureQueriesContext(fresh_session) as queries:
        assert run(Statement("SELECT 1", ()), prepared=True) == [[(1,)]]
    assert queries.captured_queries[0]["sql"] == "SELECT 1"
