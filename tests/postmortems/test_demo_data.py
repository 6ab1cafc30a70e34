"""The demo set has what a visitor should see: postmortems, an orphaned and an overdue item,
a recurring root cause; loading it twice changes nothing."""

import pytest

from postmortems import demo, recurring
from postmortems.models import ActionItem, Incident, TimelineEntry

pytestmark = pytest.mark.django_db


def test_the_demo_is_complete_and_idempotent(editor):
    demo.load(editor)
    counts = (Incident.objects.count(), ActionItem.objects.count(),
              TimelineEntry.objects.count())
    demo.load(editor)
    assert (Incident.objects.count(), ActionItem.objects.count(),
            TimelineEntry.objects.count()) == counts
    assert ActionItem.objects.orphaned().exists()
    assert ActionItem.objects.overdue().exists()
    assert recurring.recurring_root_causes()
