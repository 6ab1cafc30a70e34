"""Migration 0005 makes the data the old views could leave fit the new constraints: a chain
with several root causes keeps the last one, factors sharing a position are numbered again
in order. (The constraints are lifted inside the test's transaction to recreate old data.)"""

from importlib import import_module

import pytest
from django.apps import apps
from django.db import connection

from postmortems.models import ContributingFactor, Why

pytestmark = pytest.mark.django_db

fit = import_module(
    "postmortems.migrations.0005_one_root_cause_and_distinct_factor_positions_data"
).fit_the_new_constraints


def test_several_root_causes_keep_the_last_in_the_chain(make):
    pm = make.postmortem()
    with connection.cursor() as cursor:
        cursor.execute("DROP INDEX postmortems_why_one_root_cause")  # rolled back after
    for position in (1, 2, 3):
        make.why(pm, position, question=f"Why {position}?", is_root_cause=position != 2)
    fit(apps, None)
    assert list(pm.whys.values_list("position", "is_root_cause", "version")) == [
        (1, False, 2), (2, False, 1), (3, True, 1)]


def test_factors_sharing_a_position_are_numbered_again_in_order(make):
    pm = make.postmortem()
    with connection.cursor() as cursor:
        cursor.execute("ALTER TABLE postmortems_contributingfactor "
                       "DROP CONSTRAINT postmortems_factor_unique_position")
    first = ContributingFactor.objects.create(postmortem=pm, position=1, text="a")
    ContributingFactor.objects.create(postmortem=pm, position=1, text="b")
    ContributingFactor.objects.create(postmortem=pm, position=2, text="c")
    fit(apps, None)
    assert list(pm.factors.values_list("position", "text")) == [(1, "a"), (2, "b"), (3, "c")]
    assert ContributingFactor.objects.get(pk=first.pk).position == 1
    assert not Why.objects.exists()
