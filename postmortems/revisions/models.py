"""Edit conflicts: saves refused because they were based on an old version (see
``postmortems.revisions.concurrency``). The refused values are kept, so nothing typed is lost."""

from django.apps import apps
from django.conf import settings
from django.db import models


class EditConflict(models.Model):
    """A save refused because it was based on an old version: who tried, on what, the values
    they sent (kept, so nothing is lost even if they walk away), and how it ended."""

    class Outcome(models.TextChoices):
        PENDING = "pending", "Pending"
        MERGED = "merged", "Merged"
        DISCARDED = "discarded", "Kept theirs"

    model = models.CharField(max_length=100, help_text="app_label.ModelName")
    object_id = models.PositiveBigIntegerField()
    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                             on_delete=models.SET_NULL, related_name="+")
    base_version = models.PositiveIntegerField(help_text="The version the edit was based on.")
    current_version = models.PositiveIntegerField(help_text="The version saved meanwhile.")
    fields = models.JSONField(default=list, help_text="The fields both sides changed.")
    attempted = models.JSONField(default=dict, help_text="The refused values.")
    created_at = models.DateTimeField(auto_now_add=True)
    outcome = models.CharField(max_length=20, choices=Outcome, default=Outcome.PENDING)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["model", "object_id"], name="postmortems_conflict_obj")]

    def __str__(self):
        return f"Conflict on {self.object_label} v{self.base_version}"

    @property
    def object_label(self):
        try:
            name = apps.get_model(self.model)._meta.verbose_name
        except LookupError:
            name = self.model
        return f"{name} #{self.object_id}"
