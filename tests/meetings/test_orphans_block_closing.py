"""A meeting cannot close while an orphaned action item is neither completed nor accepted as
orphaned with a reason; closing writes the summary into the postmortem."""

import pytest
from django.core.exceptions import ValidationError

from postmortems.models import ActionItem, MeetingCloseBlocked

pytestmark = pytest.mark.django_db


@pytest.fixture
def orphan(meeting, make):
    return make.action_item(meeting.postmortem.incident, text="Tune the alert", owner=None)


def test_an_orphaned_item_blocks_closing_with_its_reason(meeting, orphan):
    with pytest.raises(MeetingCloseBlocked) as caught:
        meeting.close()
    assert caught.value.items == [orphan]
    assert "“Tune the alert” (no owner)" in str(caught.value)
    meeting.refresh_from_db()
    assert meeting.closed_at is None


def test_accepting_an_orphan_needs_a_reason(meeting, orphan, editor):
    with pytest.raises(ValidationError) as caught:
        meeting.accept_orphan(orphan, "  ", editor)
    assert "reason" in caught.value.message_dict


def test_an_accepted_orphan_no_longer_blocks(meeting, orphan, editor):
    meeting.accept_orphan(orphan, "Team is re-forming; revisit in a month", editor)
    meeting.close(editor)
    assert meeting.closed_at is not None
    assert "Accepted as orphaned: Tune the alert (Team is re-forming" in meeting.summary


def test_a_completed_item_no_longer_blocks(meeting, orphan):
    ActionItem.objects.filter(pk=orphan.pk).update(status=ActionItem.Status.DONE)
    meeting.close()
    assert meeting.is_closed


def test_an_acceptance_in_another_meeting_does_not_count(meeting, orphan, editor):
    from postmortems.models import Meeting

    earlier = Meeting.start(meeting.postmortem, editor)
    earlier.accept_orphan(orphan, "accepted last time", editor)
    with pytest.raises(MeetingCloseBlocked):
        meeting.close()


def test_the_summary_has_learnings_owners_decisions_and_dissent(meeting, make, editor):
    postmortem = meeting.postmortem
    make.why(postmortem, answer="The deploy skipped the canary", is_root_cause=True)
    make.action_item(postmortem.incident, text="Make the canary mandatory", owner=editor)
    meeting.decisions.create(text="Freeze Friday deploys for a month")
    meeting.dissenting_views.create(name="Sam", text="The canary would not have caught it")
    section = meeting.sections.get(key="analysis")
    section.notes = "Config drift between regions"
    section.save()
    meeting.close(editor)
    summary = meeting.summary
    assert "Root cause: The deploy skipped the canary" in summary
    assert "Analysis: Config drift between regions" in summary
    assert "Make the canary mandatory: Erin, due 2099-01-01, OPS-1" in summary
    assert "Freeze Friday deploys for a month" in summary
    assert "Sam: The canary would not have caught it" in summary
    assert "Opening 5 min → 00:00" in summary


def test_the_record_lists_the_items_changed_during_the_meeting(meeting, make, postmortem):
    from postmortems.revisions.concurrency import save_versioned

    before = make.action_item(postmortem.incident, text="untouched")
    ActionItem.history.filter(id=before.pk).update(history_date=meeting.started_at.replace(
        year=2020))
    touched = make.action_item(postmortem.incident, text="settled in the meeting")
    save_versioned(touched, 1, {"ticket": "OPS-9"})
    assert list(meeting.items_touched()) == [touched]
