"""Which incidents need a postmortem, and why: the same rules in Python and in SQL."""

from datetime import timedelta

import pytest
from django.db import connection

from postmortems.models import Incident, Postmortem
from tests.factories import T0

pytestmark = pytest.mark.django_db

CASES = [
    ({"severity": Incident.Severity.SEV1}, "Severity is SEV1 – critical."),  # noqa: RUF001
    ({"severity": Incident.Severity.SEV2}, "Severity is SEV2 – major."),  # noqa: RUF001
    ({"customer_facing": True, "mitigated_at": T0 + timedelta(minutes=16)},
     "Customer-facing outage longer than 15 minutes."),
    ({"data_loss": True}, "Data loss."),
    ({"security": True}, "Security incident."),
    ({"near_miss": True, "could_have_been_severe": True},
     "Near miss that could have been severe."),
    ({"novel_failure_mode": True}, "Novel failure mode."),
]


@pytest.mark.parametrize(("fields", "reason"), CASES)
def test_each_rule_requires_a_postmortem_and_says_which(make, fields, reason):
    incident = make.incident(severity=fields.pop("severity", Incident.Severity.SEV4), **fields)
    assert incident.postmortem_required_reasons() == [reason]
    assert list(Incident.objects.requiring_postmortem()) == [incident]


@pytest.mark.parametrize("fields", [
    {},
    {"severity": Incident.Severity.SEV3},
    {"customer_facing": True, "mitigated_at": T0 + timedelta(minutes=15)},
    {"customer_facing": False, "mitigated_at": T0 + timedelta(hours=2)},
    {"near_miss": True},
])
def test_minor_incidents_need_no_postmortem(make, fields):
    incident = make.incident(severity=fields.pop("severity", Incident.Severity.SEV4), **fields)
    assert incident.postmortem_required_reasons() == []
    assert not Incident.objects.requiring_postmortem().exists()


def test_an_ongoing_customer_facing_outage_counts_until_now(make):
    incident = make.incident(severity=Incident.Severity.SEV4, customer_facing=True)
    assert incident.postmortem_required_reasons() == [
        "Customer-facing outage longer than 15 minutes."
    ]
    assert Incident.objects.requiring_postmortem().get() == incident


def test_needing_postmortem_lists_missing_and_unpublished_but_not_published(make):
    missing = make.incident("missing", severity=Incident.Severity.SEV1)
    draft = make.incident("draft", severity=Incident.Severity.SEV1)
    make.postmortem(draft)
    done = make.incident("done", severity=Incident.Severity.SEV1)
    make.postmortem(done, state=Postmortem.State.PUBLISHED, published_at=T0)
    make.incident("minor", severity=Incident.Severity.SEV4)
    assert set(Incident.objects.needing_postmortem()) == {missing, draft}


def test_the_incidents_needing_a_postmortem_are_counted_from_their_index(make):
    """A count of them (the incident list's filter) reads the index of the incidents the
    rules may require (every column the rules read beside each), not every incident's row
    (issue 9); the dashboard's comes from PostmortemDueTally."""
    Incident.objects.bulk_create(
        Incident(title=f"Incident {number}", started_at=T0,
                 severity=Incident.Severity.SEV1 if number % 10 == 0 else Incident.Severity.SEV4)
        for number in range(300))
    with connection.cursor() as cursor:
        # Earlier tests' rows, rolled back, leave the indexes' pages behind: without a
        # rebuild the plan depends on which tests ran before in this database.
        cursor.execute("REINDEX TABLE postmortems_incident")
        cursor.execute("ANALYZE postmortems_incident")
        # A test table is a few pages, its visibility map empty: without these the planner
        # may read it whole, or walk the primary key and check each row.
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("SET LOCAL enable_indexscan = off")
    plan = Incident.objects.needing_postmortem().order_by().values("pk").explain()
    assert "postmortems_incident_rules" in plan, plan
