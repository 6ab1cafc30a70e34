"""Impossible orders of the key times are refused on the offending field."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError

from postmortems.models import Incident
from tests.factories import T0

pytestmark = pytest.mark.django_db


def build(**times):
    return Incident(title="t", severity=Incident.Severity.SEV3, started_at=T0, **times)


@pytest.mark.parametrize(("times", "field", "message"), [
    ({"detected_at": T0 - timedelta(minutes=1)}, "detected_at",
     "Detected cannot be before started (2026-03-04 10:00:00 UTC)."),
    ({"resolved_at": T0 - timedelta(seconds=1)}, "resolved_at",
     "Resolved cannot be before started (2026-03-04 10:00:00 UTC)."),
    ({"detected_at": T0 + timedelta(minutes=10), "acknowledged_at": T0 + timedelta(minutes=5)},
     "acknowledged_at", "Acknowledged cannot be before detected (2026-03-04 10:10:00 UTC)."),
    ({"mitigated_at": T0 + timedelta(hours=2), "resolved_at": T0 + timedelta(hours=1)},
     "resolved_at", "Resolved cannot be before mitigated (2026-03-04 12:00:00 UTC)."),
])
def test_an_impossible_order_is_rejected_on_the_offending_field(times, field, message):
    with pytest.raises(ValidationError) as caught:
        build(**times).full_clean()
    assert caught.value.message_dict == {field: [message]}


def test_a_possible_order_with_gaps_is_accepted():
    build(detected_at=T0, mitigated_at=T0 + timedelta(minutes=30)).full_clean()


def test_the_database_refuses_resolved_before_started_too():
    with pytest.raises(IntegrityError):
        build(resolved_at=T0 - timedelta(minutes=1)).save()


def test_derived_durations():
    incident = build(
        detected_at=T0 + timedelta(minutes=4), acknowledged_at=T0 + timedelta(minutes=6),
        mitigated_at=T0 + timedelta(minutes=40), resolved_at=T0 + timedelta(hours=2),
    )
    assert incident.time_to_detect == timedelta(minutes=4)
    assert incident.time_to_acknowledge == timedelta(minutes=2)
    assert incident.time_to_mitigate == timedelta(minutes=40)
    assert incident.time_to_resolve == timedelta(hours=2)
    assert incident.duration == timedelta(hours=2)
    assert build().time_to_resolve is None
