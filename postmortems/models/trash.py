"""The trash: an incident deleted from the site is hidden, not destroyed, until an admin
restores it or purges it for good.

The rule, written once: a row is in the trash when its incident is (``Incident.deleted_at``
is set). ``HidesTrashed`` is the default manager of the incident and of each of its parts
that is read on its own (postmortem, timeline, whys, factors, action items, meetings, alert
groups, SLO links): it leaves those rows out, so every page, list, search, count, export,
digest, feed and the API skip them without a filter of their own. Each model names the way
to its incident in ``incident_lookup``. Parts reached only through one of those (meeting
sections, attendees, dissent, decisions, received alerts) need no rule of their own, and
neither do the parts read through the owner on their way to the incident
(``postmortem.whys``, ``incident.action_items``): the owner in hand was read through its own
manager, so the rule was applied once, to it (the editor read it for each of its parts: ~0.4
ms of building and compiling a query each).

A change never lands in the trash: every versioned save and every new part first locks its
incident's row against a move to the trash (``refuse_changes_in_trash``) and is refused with
``IncidentInTrash`` when the incident is there already; the site answers such a change
(postmortems.middleware) by saying so, with what was typed shown back.

``Incident.all_objects`` (and Django's base managers, which relations and deletes use) see
everything: the trash page, Django admin, restore and purge. Restoring clears the mark on the
incident alone, so everything under it comes back as it was, versions and history included.
"""

from django.db import models, transaction
from django.utils import timezone


class HidesTrashed(models.Manager):
    """Leaves out the rows whose incident is in the trash (see the module docstring)."""

    def get_queryset(self):
        queryset = super().get_queryset()
        if not self.model.incident_lookup:  # the incident itself
            return queryset.filter(deleted_at__isnull=True)
        via, _, rest = self.model.incident_lookup.partition("__")
        if self._reads_through(via):
            return queryset
        # Not "its incident's deleted_at IS NULL", which joins every row to its incident:
        # "its incident is not among the trashed ones", a short list read through the
        # postmortems_incident_trashed index (the tracker's counts over 50,000 items: 28 ->
        # 20 ms).
        # A part reached through another (a why through its postmortem) is left out by the
        # few rows of that other part in the trash, so it is not joined to it either (the
        # API's 80,000 timeline entries counted and paged without joining their postmortems).
        trashed = self.model._meta.apps.get_model("postmortems", "Incident").all_objects.filter(
            deleted_at__isnull=False).values("pk")
        if rest:
            trashed = self.model._meta.get_field(via).related_model._base_manager.filter(
                **{f"{rest}id__in": trashed}).values("pk")
        return queryset.exclude(**{f"{via}_id__in": trashed})

    def _reads_through(self, via):
        """Whether this is the related manager of an owner on the way to the incident
        (``postmortem.whys``: ``via`` is the field it follows back)."""
        field = getattr(self, "field", None)  # set on the related managers Django derives
        return getattr(self, "instance", None) is not None and getattr(field, "name", None) == via


class IncidentInTrash(Exception):
    """A change reached a part of an incident that is in the trash: nothing was saved."""

    def __init__(self, incident):
        self.incident = incident
        super().__init__(f"Incident #{incident.pk} is in the trash: nothing under it changes "
                         "until an admin restores it.")


def _incident_model():
    from postmortems.models.incidents import Incident

    return Incident


def _incident_ids(model, **row):
    """The pk of the incident the rows of ``model`` matching ``row`` belong to, as a
    subquery (the base managers: the trash included)."""
    lookup = model.incident_lookup
    return model._base_manager.filter(**row).values(f"{lookup}pk" if lookup else "pk")


def trashed_incident_of(model, pk):
    """The incident in the trash the row ``pk`` of ``model`` belongs to; None when the row
    does not exist or its incident is not in the trash (or ``model`` has no incident)."""
    if getattr(model, "incident_lookup", None) is None:
        return None
    return (_incident_model().all_objects.in_trash()
            .filter(pk__in=_incident_ids(model, pk=pk)).first())


def refuse_changes_in_trash(row):
    """Inside the transaction saving ``row`` (a part of an incident, new or not): lock its
    incident's row until the save commits, so a move to the trash waits for it, and raise
    IncidentInTrash when the incident is in the trash already. Rows of no incident pass."""
    model = type(row)
    lookup = getattr(model, "incident_lookup", None)
    if lookup is None:
        return
    if not lookup:
        ids = [row.pk]
    else:
        via = model._meta.get_field(lookup.split("__")[0])
        related_id = getattr(row, via.attname)
        ids = ([related_id] if via.related_model is _incident_model()
               else _incident_ids(via.related_model, pk=related_id))
    incident = (_incident_model().all_objects.select_for_update(no_key=True)
                .filter(pk__in=ids).only("pk", "title", "deleted_at", "deleted_by").first())
    if incident is not None and incident.in_trash:
        raise IncidentInTrash(incident)


class TrashableIncident:
    """The incident's side of the trash: what goes with it, moving it there, restoring it,
    purging it. Needs ``deleted_at``, ``deleted_by``, ``version`` and ``all_objects``."""

    @property
    def in_trash(self):
        return self.deleted_at is not None

    def contents(self):
        """What goes with the incident (to the trash, back, or for good), as phrases like
        "12 timeline entries": read through the base managers, so a trashed incident's
        parts are counted too."""
        from postmortems.models.documents import Postmortem

        parts = []
        postmortem = Postmortem._base_manager.filter(incident_id=self.pk).first()
        if postmortem is not None:
            parts.append(f"its postmortem ({postmortem.get_state_display().lower()})")
        for model, lookup, one, many, always in _parts():
            count = model._base_manager.filter(**{lookup: self.pk}).count()
            if count or always:
                parts.append(f"{count} {one if count == 1 else many}")
        return parts

    def move_to_trash(self, user=None, base_version=None):
        """Hide the incident and everything under it from every page, list and count until
        an admin restores or purges it. ``base_version``: refuse (StaleDelete) when it
        changed since. The history records who moved it."""
        from postmortems.revisions.concurrency import StaleDelete

        with transaction.atomic():
            current = type(self).all_objects.select_for_update().get(pk=self.pk)
            if current.in_trash:
                return current
            if base_version is not None and current.version != base_version:
                raise StaleDelete(current, base_version)
            current.deleted_at = timezone.now()
            current.deleted_by = user if getattr(user, "is_authenticated", False) else None
            current._save_trash_mark(user, "moved to the trash")
        return current

    def restore_from_trash(self, user=None):
        """Bring the incident back with everything under it, as it was (one row changes:
        the mark on the incident; versions stay). The history records who restored it."""
        with transaction.atomic():
            current = type(self).all_objects.select_for_update().get(pk=self.pk)
            if current.in_trash:
                current.deleted_at = current.deleted_by = None
                current._save_trash_mark(user, "restored from the trash")
                current._similar_incidents_changed(around=True)
        return current

    def purge(self, user=None):
        """Delete the incident in the trash for good, with everything under it (history rows
        stay, as for every delete). Refused for an incident outside the trash."""
        with transaction.atomic():
            current = type(self).all_objects.in_trash().select_for_update().get(pk=self.pk)
            current._change_reason = "purged from the trash"
            if getattr(user, "is_authenticated", False):
                current._history_user = user
            current._similar_incidents_changed(around=False)
            current.delete()

    def _similar_incidents_changed(self, around):
        """Back from the trash (``around``): its postmortem's stored similar incidents and the
        others' it may enter again are stored afresh; purged: the others' that listed it."""
        from postmortems.models.documents import Postmortem
        from postmortems.models.recurring import SimilarIncident, queue_similar_refresh

        listing = SimilarIncident._base_manager.filter(incident_id=self.pk).values_list(
            "postmortem_id", flat=True)
        if around:
            own = list(Postmortem._base_manager.filter(incident_id=self.pk)
                       .values_list("pk", flat=True))
            queue_similar_refresh(own, around=own)
        else:
            queue_similar_refresh(list(listing))

    def _save_trash_mark(self, user, reason):
        self._change_reason = reason
        if getattr(user, "is_authenticated", False):
            self._history_user = user
        # Only the mark: updated_at and version stay what the content made them.
        self.save(update_fields=["deleted_at", "deleted_by"])


def _parts():
    """(model, lookup of the incident's pk, one, many, said even when none) per part."""
    from postmortems.models.actions import ActionItem
    from postmortems.models.analysis import ContributingFactor, Why
    from postmortems.models.documents import TimelineEntry
    from postmortems.models.intake import AlertGroup
    from postmortems.models.meetings import Meeting

    return [
        (TimelineEntry, "postmortem__incident_id", "timeline entry", "timeline entries", True),
        (Why, "postmortem__incident_id", "why", "whys", True),
        (ContributingFactor, "postmortem__incident_id", "contributing factor",
         "contributing factors", True),
        (ActionItem, "incident_id", "action item", "action items", True),
        (Meeting, "postmortem__incident_id", "review meeting", "review meetings", True),
        (AlertGroup, "incident_id", "alert group", "alert groups", False),
    ]
