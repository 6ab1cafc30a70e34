from django.db import models
from django.utils import timezone


class OutboxTask(models.Model):
    """A Celery task that could not be sent (broker down): kept here and sent again by
    ``config.queue.send_outbox`` (Celery beat, every minute), so no queued work is lost."""

    task = models.CharField(max_length=200)
    args = models.JSONField(default=list)
    error = models.TextField(blank=True)
    attempts = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["pk"]

    def __str__(self):
        return f"{self.task}{tuple(self.args)}"
