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
        lookup = f"{self.model.incident_lookup}deleted_at__isnull"
        return super().get_queryset().filter(**{lookup: True})
