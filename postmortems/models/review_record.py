"""The record a review meeting keeps beside its notes: who attended, dissenting views,
decisions, and the orphaned action items it accepted as such (with the reason)."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from simple_history.models import HistoricalRecords

from postmortems.people import display_name


class Attendee(models.Model):
    """Someone at the meeting: a user of the site, or a free name (a guest, a vendor)."""

    meeting = models.ForeignKey("postmortems.Meeting", on_delete=models.CASCADE,
                                related_name="attendees")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                             on_delete=models.SET_NULL, related_name="+")
    name = models.CharField(max_length=150, blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["pk"]
        constraints = [
            models.CheckConstraint(condition=Q(user__isnull=False) | ~Q(name=""),
                                   name="postmortems_attendee_user_or_name"),
            models.UniqueConstraint(fields=["meeting", "user"],
                                    name="postmortems_attendee_unique_user"),
        ]

    def __str__(self):
        return self.display

    @property
    def display(self):
        if self.user_id:
            return display_name(self.user)
        return self.name


class DissentingView(models.Model):
    """A view someone holds that the group did not adopt; shown in the published postmortem."""

    meeting = models.ForeignKey("postmortems.Meeting", on_delete=models.CASCADE,
                                related_name="dissenting_views")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                             on_delete=models.SET_NULL, related_name="+")
    name = models.CharField("who", max_length=150, blank=True)
    text = models.TextField("view", help_text="Markdown.")
    created_at = models.DateTimeField(auto_now_add=True)
    version = models.PositiveIntegerField(default=1)

    history = HistoricalRecords()

    class Meta:
        ordering = ["created_at", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(user__isnull=False) | ~Q(name=""),
                                   name="postmortems_dissent_user_or_name"),
        ]

    def __str__(self):
        return f"{self.who}: {self.text[:60]}"

    @property
    def who(self):
        if self.user_id:
            return display_name(self.user)
        return self.name

    def clean(self):
        if not self.text.strip():
            raise ValidationError({"text": "Write down the view."})
        if self.user_id is None and not self.name.strip():
            raise ValidationError({"name": "Say whose view this is."})


class Decision(models.Model):
    meeting = models.ForeignKey("postmortems.Meeting", on_delete=models.CASCADE,
                                related_name="decisions")
    text = models.TextField("decision", help_text="Markdown.")
    created_at = models.DateTimeField(auto_now_add=True)
    version = models.PositiveIntegerField(default=1)

    history = HistoricalRecords()

    class Meta:
        ordering = ["created_at", "pk"]

    def __str__(self):
        return self.text[:80]

    def clean(self):
        if not self.text.strip():
            raise ValidationError({"text": "Write down the decision."})


class OrphanAcceptance(models.Model):
    """An orphaned action item the meeting explicitly accepted as orphaned, and why."""

    meeting = models.ForeignKey("postmortems.Meeting", on_delete=models.CASCADE,
                                related_name="orphan_acceptances")
    action_item = models.ForeignKey("postmortems.ActionItem", on_delete=models.CASCADE,
                                    related_name="orphan_acceptances")
    reason = models.TextField()
    accepted_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                    on_delete=models.SET_NULL, related_name="+")
    accepted_at = models.DateTimeField(auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["accepted_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["meeting", "action_item"],
                                    name="postmortems_orphanacceptance_unique"),
            models.CheckConstraint(condition=~Q(reason=""),
                                   name="postmortems_orphanacceptance_has_reason"),
        ]

    def __str__(self):
        return f"Accepted orphan: {self.action_item}"

    def clean(self):
        if not self.reason.strip():
            raise ValidationError({"reason": "Say why this item may stay orphaned."})
