"""The editor's page and each of its sections (the live refresh, in-place forms) read a fixed
number of queries, whatever the row counts; a section alone reads only what it shows."""

from datetime import timedelta

import pytest
from django.utils import timezone

from postmortems import kept_html, similar
from postmortems.models import Meeting
from postmortems.people import active_users
from slos.models import IncidentImpact

pytestmark = pytest.mark.django_db

# What the sections show besides the postmortem (the timeline, whys, factors, similar
# incidents and their action items, the items, the active users for the owner picker and the
# blameless names) in one round trip (views.editor.editor_reads), the user's presence written
# in it; the closed meetings and SLO links only when the postmortem's query says there are some.
PAGE_QUERIES = 5
# A section is kept by what it is made of (test_kept_sections.py): each reads what it shows
# in one round trip, the names the blameless hints know too, even when no text asks for them.
SECTION_QUERIES = {"document": 5, "timeline": 5, "whys": 5, "actions": 5}


@pytest.fixture
def postmortem(make, editor):
    """A postmortem with a few of everything, and an earlier incident with a similar cause."""
    earlier = make.postmortem(make.incident("Login errors"))
    make.why(earlier, answer="Connection pool exhausted by client retries", is_root_cause=True)
    pm = make.postmortem(make.incident("Checkout 500s"))
    for i in range(3):
        make.timeline_entry(pm, text=f"Entry {i}")
        make.why(pm, position=i + 1, answer=f"Because {i}.")
        pm.factors.create(position=i + 1, text=f"connection pool exhausted {i}")
        make.action_item(pm.incident, f"Item {i}", owner=editor)
    similar.store_similar_incidents([pm.pk])  # done on commit in the app
    return pm


def test_the_page_reads_a_fixed_number_of_queries(editor_client, postmortem,
                                                  django_assert_num_queries):
    with django_assert_num_queries(PAGE_QUERIES):
        response = editor_client.get(f"/incidents/{postmortem.incident_id}/postmortem/")
    assert "Login errors" in response.content.decode()  # seen before


def test_closed_meetings_and_slo_links_are_read_only_when_there_are_some(
        editor_client, postmortem, editor, make_slo, offline_source, django_assert_num_queries):
    meeting = Meeting.start(postmortem, editor)
    meeting.close(editor)
    Meeting.start(postmortem, editor)  # open: not shown
    IncidentImpact.objects.create(slo=make_slo(offline_source, name="Checkout availability"),
                                  incident=postmortem.incident, budget_consumed=0.25,
                                  status=IncidentImpact.Status.OK)
    with django_assert_num_queries(PAGE_QUERIES + 3):  # the meetings, their dissent, the links
        response = editor_client.get(f"/incidents/{postmortem.incident_id}/postmortem/")
    html = response.content.decode()
    assert html.count('data-testid="meeting-summaries"') == 1
    assert html.count("Full meeting record") == 1
    assert "Consumed <strong>25.0%</strong> of the" in html


@pytest.mark.parametrize("key", SECTION_QUERIES)
def test_a_section_reads_only_what_it_shows(editor_client, postmortem, key,
                                            django_assert_num_queries):
    url = f"/incidents/{postmortem.incident_id}/postmortem/sections/{key}/"
    with django_assert_num_queries(SECTION_QUERIES[key]):
        assert editor_client.get(url).status_code == 200


def test_the_action_form_lists_the_whys_and_factors_the_page_has_read(postmortem):
    from postmortems.forms import ActionItemForm

    afresh = ActionItemForm(prefix="action", incident=postmortem.incident)
    given = ActionItemForm(prefix="action", incident=postmortem.incident,
                           whys=list(postmortem.whys.all()),
                           factors=list(postmortem.factors.all()))
    for name in ("addresses_why", "addresses_factor"):
        assert str(given[name]) == str(afresh[name])
        assert len(given.fields[name].choices) == 4  # none, and the three of each


def test_the_items_are_read_by_a_statement_compiled_once_per_day(postmortem, make,
                                                                  time_machine):
    from postmortems.views import editor

    editor._items_statement.cache_clear()
    first = editor.incident_items(postmortem.incident_id)
    assert [item.text for item in first] == [
        item.text for item in postmortem.incident.action_items.for_table()]
    other = make.incident("Search slow")
    make.action_item(other, "Cache the index")
    assert [item.text for item in editor.incident_items(other.pk)] == ["Cache the index"]
    assert editor._items_statement.cache_info().misses == 1
    time_machine.move_to(timezone.now() + timedelta(days=1))
    editor.incident_items(postmortem.incident_id)
    assert editor._items_statement.cache_info().misses == 2  # a new day: overdue anew


def test_each_postmortem_reads_the_rows_its_querysets_give(postmortem, make):
    """The statements are the same for every postmortem (planned once per database
    session), the postmortem given when they run."""
    from postmortems.models import Postmortem
    from postmortems.views import editor

    make.timeline_entry(Postmortem.objects.exclude(pk=postmortem.pk).get(), text="Paged")
    for pm in Postmortem.objects.select_related("incident"):
        read = editor.editor_reads(pm, editor.SECTIONS)
        for name, rows in [("whys", pm.whys.all()), ("factors", pm.factors.all())]:
            assert kept_html.made_of(read[name]) == kept_html.made_of(list(rows))
        assert [shown(row) for row in read["timeline"]] == [
            shown(row) for row in pm.timeline_rows()]
        assert read["seen_before"] == similar.similar_incidents(pm, similar.SIMILAR_SHOWN)
        assert read["users"] == active_users()
        assert read["items"] == editor.incident_items(pm.incident_id)
        assert read["timeline"] and read["whys"]


def shown(row):
    """What a timeline row shows (partials/timeline_row.html, key_time_row.html)."""
    return (row.is_key_time, row.pk, row.at, row.kind, row.get_kind_display(),
            getattr(row, "text", None), type(row).__name__ == "KeyTime" and row.name)


def test_the_page_says_who_has_it_open_in_the_round_trip_of_its_reads(
        editor_client, postmortem, editor, django_assert_num_queries):
    from postmortems.models import Presence

    with django_assert_num_queries(PAGE_QUERIES):
        editor_client.get(f"/incidents/{postmortem.incident_id}/postmortem/")
    assert list(Presence.objects.here().filter(postmortem=postmortem)
                .values_list("user", flat=True)) == [editor.pk]
