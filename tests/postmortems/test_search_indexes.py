"""The incident search reads indexes, not every incident and every why (issue 9): each of its
two full-text matches has a GIN index on the very expression it matches, so the planner can
use it (an index on a different expression would never be read, and a search over 10,000
incidents and 50,000 whys took ~800 ms)."""

import pytest
from django.db import connection

from postmortems.models import Incident, Why
from postmortems.models.analysis import why_search_document
from postmortems.models.incidents import incident_search_document

pytestmark = pytest.mark.django_db


@pytest.fixture
def no_sequential_scans():
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")  # a test table is a page or two


def test_titles_and_summaries_are_matched_through_their_index(no_sequential_scans):
    plan = Incident.objects.annotate(document=incident_search_document()).filter(
        document="pool").explain()
    assert "postmortems_incident_search" in plan


def test_whys_are_matched_through_their_index(no_sequential_scans):
    plan = Why.objects.annotate(document=why_search_document()).filter(
        document="pool").explain()
    assert "postmortems_why_search" in plan


def test_the_search_reads_both_indexes(no_sequential_scans):
    plan = Incident.objects.search("pool exhausted").explain()
    assert "postmortems_incident_search" in plan
    assert "postmortems_why_search" in plan
