"""The incident search reads stored documents, not every incident and every why (issue 9):
titles and summaries, and each why's question and answer, are kept as tsvector columns the
database generates (migration 0022), each with a GIN index. A search never computes
to_tsvector per row: with an index on the expression instead, a word found in most rows made
the planner read them all and compute it for each (200-800 ms at 10,000 incidents and 50,000
whys)."""

import pytest
from django.db import connection
from django.utils import timezone

from postmortems.models import Incident
from postmortems.models.incident_queries import SEARCH_INCIDENTS, SEARCH_WHYS

pytestmark = pytest.mark.django_db


def explain(sql, params):
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN " + sql, params)
        return "\n".join(row[0] for row in cursor.fetchall())


@pytest.fixture
def checkout_errors():
    """300 incidents, each with "errors" in its title."""
    Incident.objects.bulk_create(Incident(title=f"Checkout errors {number}",
                                          started_at=timezone.now()) for number in range(300))
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE postmortems_incident")


@pytest.fixture
def no_whole_scans(checkout_errors):
    with connection.cursor() as cursor:
        # A test table is a few pages: without these the planner may still read it whole, or
        # walk the index of the list's order and check each row.
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("SET LOCAL enable_indexscan = off")


def test_titles_and_summaries_are_matched_through_their_index(no_whole_scans):
    assert "postmortems_incident_document" in explain(SEARCH_INCIDENTS, ["pool"])


def test_whys_are_matched_through_their_index(no_whole_scans):
    assert "postmortems_why_document" in explain(SEARCH_WHYS, ["pool"])


def test_the_search_reads_both_indexes(no_whole_scans):
    plan = Incident.objects.search("pool exhausted").explain()
    assert "postmortems_incident_document" in plan
    assert "postmortems_why_document" in plan


def test_a_word_in_every_incident_is_not_analysed_again_per_row(checkout_errors):
    plan = Incident.objects.search("errors").explain()
    assert "search_document @@" in plan
    assert "to_tsvector" not in plan


def test_a_changed_title_or_summary_is_searched_at_once(make):
    incident = make.incident("Checkout errors")
    Incident.objects.filter(pk=incident.pk).update(title="Login latency",
                                                   summary="The pool was **exhausted**.")
    assert list(Incident.objects.search("latency")) == [incident]
    assert list(Incident.objects.search("exhaust")) == [incident]
    assert not Incident.objects.search("checkout").exists()
