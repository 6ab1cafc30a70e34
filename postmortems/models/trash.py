"""The trash: an incident deleted from the site is hidden, not destroyed, until an admin
restores it or purges it for good.

The rule, written once: a row is in the trash when its incident is (``Incident.deleted_at``
is set). ``HidesTrashed`` is the default manager of the incident and of each of its parts
that is read on its own (postmortem, timeline, whys, factors, action items, meetings, alert
groups, SLO links): it leaves those rows out, so every page, list, search, count, export,
digest, feed and the API skip them without a filter of their own. Each model names the way
to its incident in ``incident_lookup``. Parts reached only through one of those (meeting
sections, attendees, dissent, decisions, received alerts) need no rule of their own.

``Incident.all_objects`` (and Django's base managers, which relations and deletes use) see
everything: the trash page, Django admin, restore and purge. Restoring clears the mark on the
incident alone, so everything under it comes back as it was, versions and history included.
"""

from django.db import models


class HidesTrashed(models.Manager):
    """Leaves out the rows whose incident is in the trash (see the module docstring)."""

    def get_queryset(self):
        queryset = super().get_queryset()
        if not self.model.incident_lookup:  # the incident itself
            return queryset.filter(deleted_at__isnull=True)
        # Not "its incident's deleted_at IS NULL", which joins every row to its incident:
        # "its incident is not among the trashed ones", a short list read through the
        # postmortems_incident_trashed index (the tracker's counts over 50,000 items: 28 ->
        # 20 ms).
        trashed = self.model._meta.apps.get_model("postmortems", "Incident").all_objects.filter(
            deleted_at__isnull=False).values("pk")
        return queryset.exclude(**{f"{self.model.incident_lookup}id__in": trashed})
