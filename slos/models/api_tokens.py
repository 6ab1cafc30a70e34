"""API tokens for machines (deploy pipelines asking the error-budget gate)."""

import hashlib
import secrets

from django.conf import settings
from django.db import models
from django.utils import timezone


def _digest(key):
    return hashlib.sha256(key.encode()).hexdigest()


class ApiToken(models.Model):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                             related_name="api_tokens")
    name = models.CharField(max_length=100, help_text="What uses it, e.g. deploy pipeline")
    # Only the SHA-256 of the key is stored: the key itself is shown once, when created.
    key_digest = models.CharField(max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(default=timezone.now)
    last_used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.name} ({self.user})"

    @classmethod
    def issue(cls, user, name):
        """Create a token; returns (token, key). The key is not stored and cannot be shown again."""
        key = "slo_" + secrets.token_urlsafe(32)
        return cls.objects.create(user=user, name=name, key_digest=_digest(key)), key

    @classmethod
    def authenticate(cls, key):
        """The active user a key belongs to, or None."""
        if not key:
            return None
        token = cls.objects.select_related("user").filter(key_digest=_digest(key)).first()
        if token is None or not token.user.is_active:
            return None
        cls.objects.filter(pk=token.pk).update(last_used_at=timezone.now())
        return token.user
