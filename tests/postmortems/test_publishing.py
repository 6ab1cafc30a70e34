"""A postmortem cannot be published while it has orphaned action items."""

import pytest

from postmortems.models import Postmortem, PublishBlocked

pytestmark = pytest.mark.django_db


def test_orphaned_item_blocks_publishing(make, editor):
    pm = make.postmortem()
    make.action_item(pm.incident, owner=editor, text="Fine")
    make.action_item(pm.incident, owner=None, text="Nobody's job")
    with pytest.raises(PublishBlocked) as caught:
        pm.publish()
    assert [item.text for item in caught.value.items] == ["Nobody's job"]
    assert "“Nobody's job” (no owner)" in str(caught.value)
    pm.refresh_from_db()
    assert pm.state == Postmortem.State.DRAFT


def test_a_postmortem_without_orphans_publishes(make, editor):
    pm = make.postmortem()
    make.action_item(pm.incident, owner=editor)
    pm.publish()
    pm.refresh_from_db()
    assert pm.state == Postmortem.State.PUBLISHED
    assert pm.published_at is not None


def test_switching_quick_to_standard_loses_nothing(make):
    pm = make.postmortem(
        template=Postmortem.Template.QUICK, what_happened="Checkout failed for 5 minutes.",
        trigger="Deploy 42", detection="Alert", resolution="Rollback",
        root_cause_sentence="A config flag was flipped.", immediate_fix="Flag restored",
        long_term_fix_ticket="OPS-9",
    )
    pm.switch_to_standard()
    pm.refresh_from_db()
    assert pm.template == Postmortem.Template.STANDARD
    assert pm.executive_summary == "Checkout failed for 5 minutes."
    assert (pm.trigger, pm.detection, pm.resolution, pm.immediate_fix,
            pm.long_term_fix_ticket) == ("Deploy 42", "Alert", "Rollback", "Flag restored", "OPS-9")
    root = pm.whys.get()
    assert (root.answer, root.is_root_cause) == ("A config flag was flipped.", True)


def test_deleted_whys_stay_recoverable_in_history(make):
    pm = make.postmortem()
    why = make.why(pm, answer="Pool exhausted")
    why_id = why.pk
    why.delete()
    last = pm.whys.model.history.filter(id=why_id).latest("history_date")
    assert last.history_type == "-"
    last.instance.save()
    assert pm.whys.get().answer == "Pool exhausted"
