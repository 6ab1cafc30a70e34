"""The incident search reads indexes, not every incident and every why (issue 9): each of its
two full-text matches has a GIN index on the very expression it matches, so the planner can
use it (an index on a different expression would never be read, and a search over 10,000
incidents and 50,000 whys took ~800 ms)."""

import pytest
from django.db import connection
from django.utils import timezone

from postmortems.models import Incident, Why
from postmortems.models.analysis import why_search_document
from postmortems.models.incidents import incident_search_document

pytestmark = pytest.mark.django_db


@pytest.fixture
def no_whole_scans():
    """Enough incidents for the planner to prefer a selective index, and no whole scans."""
    Incident.objects.bulk_create(Incident(title=f"Checkout errors {number}",
                                          started_at=timezone.now()) for number in range(300))
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE postmortems_incident")
        # A test table is a few pages: without these the planner may still read it whole, or
        # walk the index of the list's order and check each row.
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("SET LOCAL enable_indexscan = off")


def test_titles_and_summaries_are_matched_through_their_index(no_whole_scans):
    plan = Incident.objects.annotate(document=incident_search_document()).filter(
        document="pool").explain()
    assert "postmortems_incident_search" in plan


def test_whys_are_matched_through_their_index(no_whole_scans):
    plan = Why.objects.annotate(document=why_search_document()).filter(
        document="pool").explain()
    assert "postmortems_why_search" in plan


def test_the_search_reads_both_indexes(no_whole_scans):
    plan = Incident.objects.search("pool exhausted").explain()
    assert "postmortems_incident_search" in plan
    assert "postmortems_why_search" in plan
