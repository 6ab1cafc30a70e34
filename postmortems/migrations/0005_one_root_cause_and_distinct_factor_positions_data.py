"""Before the constraints of 0006: data the old views could leave behind is made to fit.

- A chain with several root causes keeps the last one in the chain (the deepest why, the one
  the chain ends on); the others are unmarked and their version bumped, so a form opened
  before still notices the change.
- Contributing factors of one postmortem sharing a position (parallel adds) are numbered
  1, 2, 3 … again in their current order (position, then creation).
"""

from django.db import migrations
from django.db.models import Count, F


def fit_the_new_constraints(apps, schema_editor):
    Why = apps.get_model("postmortems", "Why")
    ContributingFactor = apps.get_model("postmortems", "ContributingFactor")
    several_roots = (Why.objects.filter(is_root_cause=True).values("postmortem_id")
                     .annotate(n=Count("pk")).filter(n__gt=1)
                     .values_list("postmortem_id", flat=True))
    for postmortem_id in list(several_roots):
        roots = Why.objects.filter(postmortem_id=postmortem_id, is_root_cause=True)
        kept = roots.order_by("-position", "-pk").first()
        roots.exclude(pk=kept.pk).update(is_root_cause=False, version=F("version") + 1)
    shared = (ContributingFactor.objects.values("postmortem_id", "position")
              .annotate(n=Count("pk")).filter(n__gt=1)
              .values_list("postmortem_id", flat=True))
    for postmortem_id in set(shared):
        factors = ContributingFactor.objects.filter(postmortem_id=postmortem_id)
        for position, factor in enumerate(factors.order_by("position", "pk"), start=1):
            if factor.position != position:
                factors.filter(pk=factor.pk).update(position=position)


class Migration(migrations.Migration):

    dependencies = [
        ("postmortems", "0004_meetings"),
    ]

    operations = [
        migrations.RunPython(fit_the_new_constraints, migrations.RunPython.noop),
    ]
