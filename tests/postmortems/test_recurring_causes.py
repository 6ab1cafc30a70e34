"""Earlier incidents whose root cause or factors look alike are shown with the state of their
action items; the dashboard lists recurring root causes."""

from datetime import timedelta

import pytest
from django.utils import timezone

from postmortems import recurring, similar
from postmortems.models import ActionItem

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen_now")]


@pytest.fixture
def earlier(make, editor):
    started = timezone.now() - timedelta(days=20)
    pm = make.postmortem(make.incident("Login errors", started_at=started,
                                       detected_at=started))
    make.why(pm, answer="Connection pool exhausted by client retries", is_root_cause=True)
    make.action_item(pm.incident, "a", owner=editor, status=ActionItem.Status.DONE)
    make.action_item(pm.incident, "b", owner=editor, status=ActionItem.Status.DONE)
    make.action_item(pm.incident, "c", owner=editor, status=ActionItem.Status.WONT_DO,
                     wont_do_reason="superseded")
    unrelated = make.postmortem(make.incident("Disk full", started_at=started,
                                              detected_at=started))
    make.why(unrelated, answer="Log rotation was disabled", is_root_cause=True)
    return pm


def test_a_similar_root_cause_is_found_with_its_action_item_states(make, earlier):
    started = timezone.now() - timedelta(days=1)
    pm = make.postmortem(make.incident("Checkout 500s", started_at=started,
                                       detected_at=started))
    make.why(pm, answer="The DB connection pool was exhausted by retries", is_root_cause=True)
    matches = similar.similar_incidents(pm)
    assert [m.incident.title for m in matches] == ["Login errors"]
    assert matches[0].actions == "2 done, 1 won't do"
    assert matches[0].kind == "root cause"


def test_a_similar_contributing_factor_counts_too(make, earlier):
    pm = make.postmortem(make.incident("Search down"))
    pm.factors.create(position=1, text="connection pool exhausted")
    assert [m.incident.title for m in similar.similar_incidents(pm)] == ["Login errors"]


def test_nothing_alike_gives_nothing(make, earlier):
    pm = make.postmortem(make.incident("Certificate expired"))
    make.why(pm, answer="Renewal is a manual step nobody owns", is_root_cause=True)
    assert similar.similar_incidents(pm) == []
    assert similar.similar_incidents(make.postmortem(make.incident("Empty"))) == []


def test_the_editor_shows_seen_before(editor_client, make, earlier):
    pm = make.postmortem(make.incident("Checkout 500s"))
    make.why(pm, answer="Connection pool exhausted by retries", is_root_cause=True)
    content = editor_client.get(f"/incidents/{pm.incident_id}/postmortem/").content.decode()
    assert "Login errors" in content and "2 done, 1 won&#x27;t do" in content


def test_the_dashboard_lists_recurring_root_causes(editor_client, make, earlier):
    started = timezone.now() - timedelta(days=2)
    pm = make.postmortem(make.incident("Checkout 500s", started_at=started,
                                       detected_at=started))
    make.why(pm, answer="Connection pool exhausted by retries", is_root_cause=True)
    groups = recurring.recurring_root_causes()
    assert len(groups) == 1
    assert {incident.title for incident in groups[0][1]} == {"Checkout 500s", "Login errors"}
    assert "Checkout 500s" in editor_client.get("/").content.decode()


def test_the_dashboard_reads_links_stored_when_a_why_is_saved(make, earlier,
                                                               django_capture_on_commit_callbacks):
    from postmortems.models import RecurringCauseLink
    from postmortems.tasks import link_recurring_causes

    started = timezone.now() - timedelta(days=2)
    pm = make.postmortem(make.incident("Checkout 500s", started_at=started,
                                       detected_at=started))
    why = make.why(pm, answer="Connection pool exhausted by retries", is_root_cause=True)
    assert RecurringCauseLink.objects.filter(why=why).count() == 1  # and the other way
    assert RecurringCauseLink.objects.filter(similar=why).count() == 1
    why.answer = "A certificate expired"
    with django_capture_on_commit_callbacks() as queued:
        why.save()
    assert len(queued) == 3  # the link task, the similar incidents and their task, on commit
    assert len(recurring.recurring_root_causes()) == 1  # not yet recomputed
    link_recurring_causes([why.pk])  # what the worker runs
    assert recurring.recurring_root_causes() == []
    assert not RecurringCauseLink.objects.filter(similar=why).exists()


def test_relinking_everything_gives_the_same_groups(make, earlier):
    started = timezone.now() - timedelta(days=2)
    pm = make.postmortem(make.incident("Checkout 500s", started_at=started,
                                       detected_at=started))
    make.why(pm, answer="Connection pool exhausted by retries", is_root_cause=True)
    before = recurring.recurring_root_causes()
    assert recurring.link_all_root_causes() == 3
    assert recurring.recurring_root_causes() == before


def test_each_root_cause_keeps_its_closest_links_only(make, monkeypatch):
    monkeypatch.setattr(recurring, "LINKS_PER_CAUSE", 2)
    whys = [make.why(make.postmortem(make.incident(f"Pool {i}")), is_root_cause=True,
                     answer=f"Connection pool exhausted by retries {i}") for i in range(4)]
    for why in whys:
        assert why.recurring_links.count() == 2


def test_the_dashboard_query_count_is_the_same_at_two_sizes(editor_client, make,
                                                            django_assert_num_queries):
    """Groups of 2 and then of 12 similar root causes (beside unrelated ones) cost the same
    number of queries, and the group lists every incident."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    started = timezone.now() - timedelta(days=3)

    def add(first, last):
        for i in range(first, last):
            pm = make.postmortem(make.incident(f"Pool {i}", started_at=started,
                                               detected_at=started))
            make.why(pm, answer=f"Connection pool exhausted by client retries ({i})",
                     is_root_cause=True)

    for text in ["Disk full", "Certificate expired", "DNS typo", "Flag flipped"]:
        make.why(make.postmortem(make.incident(text)), answer=text, is_root_cause=True)
    add(0, 2)
    with CaptureQueriesContext(connection) as small:
        response = editor_client.get("/")
    assert [len(incidents) for _, incidents in response.context["recurring_causes"]] == [2]
    add(2, 12)
    with django_assert_num_queries(len(small)):
        response = editor_client.get("/")
    assert [len(incidents) for _, incidents in response.context["recurring_causes"]] == [12]


def test_each_root_cause_keeps_a_summary_of_the_incidents_it_recurs_in(make, earlier):
    """The dashboard reads one stored row per root cause (the other incidents its links
    reach), refreshed on both sides when a why is linked or stops being similar."""
    from postmortems.models import RecurringCause
    from postmortems.tasks import link_recurring_causes

    pm = make.postmortem(make.incident("Checkout 500s"))
    why = make.why(pm, answer="Connection pool exhausted by retries", is_root_cause=True)
    old = earlier.whys.get(is_root_cause=True)
    assert RecurringCause.objects.get(why=why).others == [earlier.incident_id]
    assert RecurringCause.objects.get(why=old).others == [pm.incident_id]
    assert RecurringCause.objects.get(why=old).repeats == 1
    why.answer = "A certificate expired"
    why.save()
    link_recurring_causes([why.pk])
    assert not RecurringCause.objects.filter(why__in=[why, old]).exists()


def test_the_editor_passes_the_causes_it_has_read(make, earlier, django_assert_num_queries):
    """Given the whys and factors a page has read, the same matches in two queries fewer."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    pm = make.postmortem(make.incident("Checkout 500s"))
    make.why(pm, answer="Connection pool exhausted by retries", is_root_cause=True)
    pm.factors.create(position=1, text="connection pool exhausted")
    with CaptureQueriesContext(connection) as reading:
        expected = similar.similar_incidents(pm)
    whys, factors = list(pm.whys.all()), list(pm.factors.all())
    with django_assert_num_queries(len(reading) - 2):
        given = similar.similar_incidents(pm, whys=whys, factors=factors)
    assert [(m.incident, m.text, m.kind, m.score, m.actions) for m in given] == [
        (m.incident, m.text, m.kind, m.score, m.actions) for m in expected] != []
