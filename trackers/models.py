"""Tracker connections (configured by admins) and the tickets action items are linked to.

A connection serves the services it names; the one marked default serves every other
incident. An item's tracker is the connection of its incident's first service (by name) that
has one, else the default. Credentials are stored encrypted (trackers.crypto) and are
write-only: nothing renders them back.

A TicketLink is the item's ticket: created here (``pending`` until the tracker answered) or
linked to an existing issue. Its state follows the tracker (poll job, webhooks); every failed
call records the error and when to try again (``next_attempt_at``, doubling backoff), so a
tracker that is down shows as "not synced since …" and catches up when it is back.
"""

from datetime import timedelta
from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from postmortems.models.trash import HidesTrashed
from trackers import crypto
from trackers.base import allowed_tracker_host


def validate_http_url(value):
    try:
        parts = urlsplit(value)
        parts.port  # noqa: B018 - raises on a bad port
    except ValueError:
        parts = None
    if parts is None or parts.scheme not in {"http", "https"} or not parts.hostname:
        raise ValidationError("Enter an http:// or https:// URL, e.g. https://acme.atlassian.net.")


class TrackerConnectionQuerySet(models.QuerySet):
    def for_incident(self, incident):
        """The connection an incident's action items file tickets in (None: none applies)."""
        link = (ServiceTracker.objects.filter(service__incidents=incident)
                .select_related("connection").order_by("service__name").first())
        if link is not None:
            return link.connection
        return self.filter(is_default=True).first()

    def for_webhook(self, kind, payload):
        """The connections a delivery to /api/v1/trackers/<kind>/webhook/ may be for, from
        what the payload names: GitHub's repository.full_name, GitLab's project (path or id),
        the Jira site of issue.self. Its signature then tells which one (if any) sent it."""
        def text(*path):
            value = payload
            for key in path:
                value = value.get(key) if isinstance(value, dict) else None
            return str(value).strip().lower() if isinstance(value, (str, int)) else ""

        Kind = TrackerConnection.Kind
        if kind == "github":
            repository = text("repository", "full_name")
            return [c for c in self.filter(kind=Kind.GITHUB)
                    if repository and c.project.strip().lower() == repository]
        if kind == "gitlab":
            names = {text("project", "path_with_namespace"), text("project", "id")} - {""}
            return [c for c in self.filter(kind=Kind.GITLAB)
                    if c.project.strip().lower() in names]
        if kind == "jira":
            site = text("issue", "self") or text("user", "self")
            return [c for c in self.filter(kind__in=[Kind.JIRA_CLOUD, Kind.JIRA_DC])
                    if site and site.startswith(c.base_url.rstrip("/").lower() + "/rest/")]
        return []


class TrackerConnection(models.Model):
    class Kind(models.TextChoices):
        JIRA_CLOUD = "jira_cloud", "Jira Cloud"
        JIRA_DC = "jira_dc", "Jira Data Center"
        GITHUB = "github", "GitHub Issues"
        GITLAB = "gitlab", "GitLab Issues"

    DEFAULT_URLS = {Kind.GITHUB: "https://api.github.com", Kind.GITLAB: "https://gitlab.com"}

    name = models.CharField(max_length=100, unique=True)
    kind = models.CharField("tracker", max_length=20, choices=Kind)
    base_url = models.CharField(
        "base URL", max_length=300, validators=[validate_http_url],
        help_text="Jira: https://acme.atlassian.net · GitHub: https://api.github.com · "
                  "GitLab: https://gitlab.com")
    project = models.CharField(
        max_length=200,
        help_text="Jira: the project key (OPS) · GitHub: owner/repo · GitLab: the project id "
                  "or group/project")
    issue_type = models.CharField("Jira issue type", max_length=60, default="Task", blank=True)
    email = models.CharField("Jira Cloud account e-mail", max_length=200, blank=True)
    token_encrypted = models.TextField(blank=True, editable=False)
    webhook_secret_encrypted = models.TextField(blank=True, editable=False)
    is_default = models.BooleanField(
        "site-wide default", default=False,
        help_text="Used for incidents whose services have no tracker of their own.")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = TrackerConnectionQuerySet.as_manager()

    class Meta:
        ordering = ["-is_default", "name"]
        constraints = [
            models.UniqueConstraint(fields=["is_default"], condition=Q(is_default=True),
                                    name="trackers_one_default_connection"),
        ]

    def __str__(self):
        return f"{self.name} ({self.get_kind_display()})"

    def __repr__(self):  # never the credentials
        return f"<TrackerConnection {self.name} {self.kind} {self.base_url}>"

    # --- Credentials: encrypted at rest, write-only ----------------------------------------
    @property
    def token(self):
        return crypto.decrypt(self.token_encrypted)

    @token.setter
    def token(self, value):
        self.token_encrypted = crypto.encrypt(value)

    @property
    def webhook_secret(self):
        return crypto.decrypt(self.webhook_secret_encrypted)

    @webhook_secret.setter
    def webhook_secret(self, value):
        self.webhook_secret_encrypted = crypto.encrypt(value)

    @property
    def has_token(self):
        return bool(self.token_encrypted)

    @property
    def has_webhook_secret(self):
        return bool(self.webhook_secret_encrypted)

    def clean(self):
        errors = {}
        if self.base_url and not allowed_tracker_host(self.base_url):
            errors["base_url"] = (
                f"{urlsplit(self.base_url).hostname} is not an allowed tracker host: the "
                "server would call it. An administrator adds it to TRACKER_ALLOWED_HOSTS.")
        if self.kind == self.Kind.JIRA_CLOUD and not self.email.strip():
            errors["email"] = "Jira Cloud signs in with the account's e-mail and an API token."
        project = self.project.strip()
        if self.kind == self.Kind.GITHUB and project.count("/") != 1:
            errors["project"] = "Give the repository as owner/repo."
        if self.kind in (self.Kind.JIRA_CLOUD, self.Kind.JIRA_DC) and (
                not project.replace("_", "").isalnum() or not project[:1].isalpha()):
            errors["project"] = "Give the Jira project key, like OPS."
        if errors:
            raise ValidationError(errors)

    def client(self):
        from trackers.github import GitHubClient
        from trackers.gitlab import GitLabClient
        from trackers.jira import JiraClient

        return {self.Kind.JIRA_CLOUD: JiraClient, self.Kind.JIRA_DC: JiraClient,
                self.Kind.GITHUB: GitHubClient, self.Kind.GITLAB: GitLabClient,
                }[self.kind](self)

    @property
    def label(self):
        return "Jira" if self.kind in (self.Kind.JIRA_CLOUD, self.Kind.JIRA_DC) else \
            self.get_kind_display().split()[0]

    def webhook_url(self):
        path = reverse("api:tracker_webhook", args=[self.pk])
        return settings.SITE_URL.rstrip("/") + path


class ServiceTracker(models.Model):
    """A service files its action items' tickets in this connection (one per service)."""

    service = models.OneToOneField("postmortems.Service", on_delete=models.CASCADE,
                                   related_name="tracker_link")
    connection = models.ForeignKey(TrackerConnection, on_delete=models.CASCADE,
                                   related_name="service_links")

    def __str__(self):
        return f"{self.service} → {self.connection}"


class TicketLinkQuerySet(models.QuerySet):
    def due(self, now=None):
        return self.filter(next_attempt_at__lte=now or timezone.now())


class TicketLink(models.Model):
    class State(models.TextChoices):
        PENDING = "pending", "Being created"
        OPEN = "open", "Open"
        CLOSED = "closed", "Closed"

    item = models.OneToOneField("postmortems.ActionItem", on_delete=models.CASCADE,
                                related_name="ticket_link")
    connection = models.ForeignKey(TrackerConnection, on_delete=models.CASCADE,
                                   related_name="tickets")
    reference = models.CharField(max_length=100, blank=True,
                                 help_text="The tracker's id: a Jira key, an issue number.")
    key = models.CharField(max_length=300, blank=True)
    url = models.URLField(max_length=500, blank=True)
    state = models.CharField(max_length=10, choices=State, default=State.PENDING)
    state_name = models.CharField(max_length=100, blank=True)
    synced_at = models.DateTimeField(null=True, blank=True)
    last_error = models.CharField(max_length=500, blank=True)
    failures = models.PositiveIntegerField(default=0)
    next_attempt_at = models.DateTimeField(null=True, blank=True, db_index=True)
    created_at = models.DateTimeField(auto_now_add=True)

    # The poll leaves alone the tickets of an incident in the trash (postmortems.models.trash).
    incident_lookup = "item__incident__"
    objects = HidesTrashed.from_queryset(TicketLinkQuerySet)()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["connection", "reference"],
                                    condition=~Q(reference=""),
                                    name="trackers_one_link_per_ticket"),
        ]

    def __str__(self):
        return self.key or f"ticket of action item {self.item_id} (being created)"

    @property
    def not_synced_since(self):
        """When the tracker last answered for this ticket, while it does not (else None)."""
        if not self.last_error:
            return None
        return self.synced_at or self.created_at

    def record_failure(self, error, now=None):
        """Remember the error; try again after the backoff (doubling, at most an hour)."""
        now = now or timezone.now()
        self.failures += 1
        delay = min(3600, settings.TRACKER_RETRY_BACKOFF * 2 ** min(self.failures - 1, 12))
        self.last_error = str(error)[:500]
        self.next_attempt_at = now + timedelta(seconds=delay)

    def record_success(self, issue, now=None):
        now = now or timezone.now()
        self.reference, self.key, self.url = issue.reference, issue.key[:300], issue.url[:500]
        self.state, self.state_name = issue.state, issue.state_name[:100]
        self.synced_at, self.last_error, self.failures = now, "", 0
        self.next_attempt_at = now + timedelta(seconds=settings.TRACKER_POLL_INTERVAL)
