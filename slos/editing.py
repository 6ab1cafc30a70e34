"""Saving an SLO someone edited, written once for the form and the API.

The field rules are the model's (``SLO.clean()``: PromQL parse with position and reason, the
``[$window]`` range, the target rules), applied by the form and the API serializer alike. On
top of them, before anything is saved, the data source is asked whether it accepts both
expressions and whether each gives one series (``poller.check_queries``): a refusal is a field
error; an unreachable Prometheus saves the SLO unchecked (the next poll checks it).

A new SLO is created; an existing one is saved against the version the edit was based on
(``save_versioned``: a stale edit of the same field raises ``Conflict``, of other fields is
merged). The check's result is written beside the edit, not as part of it, so two edits never
clash over when each was checked.
"""

import copy

from django.core.exceptions import ValidationError
from django.utils import timezone

from postmortems.revisions.concurrency import create_tracked, save_versioned
from slos import poller
from slos.models import SLO

HIGH_TARGET = 99.99


def check(slo):
    """Ask the data source about ``slo``'s expressions (as they would be saved). Returns
    ({query_check fields}, [notes to tell the person]); raises ValidationError naming the
    expression Prometheus refused."""
    state, message, warnings = poller.check_queries(slo)
    if state == SLO.QueryCheck.FAILED:
        field = "good_query" if message.startswith("good") else "total_query"
        raise ValidationError({field: f"Prometheus refused it: {message}"})
    notes = []
    if state == SLO.QueryCheck.UNCHECKED:
        notes.append(f"The expressions were not checked: Prometheus could not be asked "
                     f"({message}). They will be checked by the next poll.")
    notes += warnings
    if slo.target is not None and slo.target > HIGH_TARGET:
        notes.append("The target is above 99.99%: that allows under 4.32 minutes of downtime "
                     "a month.")
    return {"query_check": state, "query_check_message": message,
            "query_checked_at": timezone.now() if state == SLO.QueryCheck.OK else None}, notes


def save(slo, values, base_version=None, user=None, reason=None, form=None):
    """Check and save ``values`` ({field: value}, already valid by the model's rules) onto
    ``slo`` (a new one when it has no pk). Returns (the saved SLO, notes). Raises
    ValidationError when Prometheus refuses an expression, Conflict when stale."""
    candidate = copy.copy(slo)
    for name, value in values.items():
        setattr(candidate, name, value)
    checked, notes = check(candidate)
    if slo.pk is None:
        for name, value in checked.items():
            setattr(candidate, name, value)
        saved = create_tracked(candidate, reason)
    else:
        saved = save_versioned(slo, base_version or slo.version, values, user=user,
                               reason=reason, form=form)
        SLO.objects.filter(pk=saved.pk).update(**checked)
        for name, value in checked.items():
            setattr(saved, name, value)
    saved.remeasure_impacts()
    return saved, notes
