"""API tokens: each user names, scopes and revokes their own; scripts and deploy pipelines send
them as ``Authorization: Bearer <key>``.

Only the SHA-256 of a key is stored: the key is shown once, when it is created. A ``read``
token reads everything its user may read; a ``write`` token may also change what its user may
change (the roles still apply). Keys issued before scopes existed (``slo_…``) keep working as
read tokens.
"""

import hashlib
import secrets

from django.conf import settings
from django.db import models
from django.utils import timezone

KEY_PREFIX = "pm_"


def key_digest(key):
    return hashlib.sha256(key.encode()).hexdigest()


class ApiTokenQuerySet(models.QuerySet):
    def of(self, user):
        return self.filter(user=user)


class ApiToken(models.Model):
    class Scope(models.TextChoices):
        READ = "read", "Read"
        WRITE = "write", "Read and write"

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                             related_name="api_tokens")
    name = models.CharField(max_length=100, help_text="What uses it, e.g. deploy pipeline")
    scope = models.CharField(max_length=5, choices=Scope, default=Scope.READ)
    key_digest = models.CharField(max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(default=timezone.now)
    last_used_at = models.DateTimeField(null=True, blank=True)

    objects = ApiTokenQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = "API token"

    def __str__(self):
        return f"{self.name} ({self.user}, {self.scope})"

    @property
    def can_write(self):
        return self.scope == self.Scope.WRITE

    @classmethod
    def issue(cls, user, name, scope=Scope.READ):
        """Create a token; returns (token, key). The key is not stored and cannot be shown
        again."""
        if scope not in cls.Scope.values:
            raise ValueError(f"Unknown scope {scope!r}: use read or write.")
        key = KEY_PREFIX + secrets.token_urlsafe(32)
        token = cls.objects.create(user=user, name=name, scope=scope, key_digest=key_digest(key))
        return token, key

    @classmethod
    def find(cls, key):
        """The token of an active user a key belongs to (its last use recorded), or None."""
        if not key:
            return None
        token = cls.objects.select_related("user").filter(key_digest=key_digest(key)).first()
        if token is None or not token.user.is_active:
            return None
        token.last_used_at = timezone.now()
        cls.objects.filter(pk=token.pk).update(last_used_at=token.last_used_at)
        return token

    @classmethod
    def authenticate(cls, key):
        """The active user a key belongs to, or None."""
        token = cls.find(key)
        return token.user if token else None
