"""Where SLIs are read from: a Prometheus server, with optional credentials."""

from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q

from slos.prometheus import PrometheusClient


def allowed_prometheus_host(url):
    """Is the URL's host in settings.PROMETHEUS_ALLOWED_HOSTS ("host" or "host:port")?"""
    try:
        parts = urlsplit(url)
        host, port = (parts.hostname or "").lower(), parts.port
    except ValueError:
        return False
    port = port or (443 if parts.scheme == "https" else 80)
    for entry in settings.PROMETHEUS_ALLOWED_HOSTS:
        entry = entry.strip().lower()
        if entry in (host, f"{host}:{port}", f"[{host}]:{port}"):
            return True
    return False


def validate_http_url(value):
    """http(s)://host[:port][/path]: single-label hosts (http://prometheus:9090) are fine."""
    try:
        parts = urlsplit(value)
        parts.port  # noqa: B018 - raises on a bad port
    except ValueError:
        parts = None
    if parts is None or parts.scheme not in {"http", "https"} or not parts.hostname:
        raise ValidationError("Enter an http:// or https:// URL, e.g. http://prometheus:9090.")


class DataSource(models.Model):
    class Auth(models.TextChoices):
        NONE = "none", "No authentication"
        BEARER = "bearer", "Bearer token"
        BASIC = "basic", "Basic auth (user name and password)"

    name = models.CharField(max_length=100, unique=True)
    url = models.CharField("Prometheus URL", max_length=300, validators=[validate_http_url],
                           help_text="e.g. http://prometheus:9090")
    auth = models.CharField("authentication", max_length=10, choices=Auth, default=Auth.NONE)
    # Secrets: write-only in forms, never rendered back, never logged.
    bearer_token = models.CharField(max_length=500, blank=True)
    username = models.CharField(max_length=150, blank=True)
    password = models.CharField(max_length=500, blank=True)
    timeout_seconds = models.FloatField(
        "timeout (seconds)", default=5.0, help_text="Per query; a slower answer is a timeout."
    )
    retention_seconds = models.FloatField(
        null=True, blank=True, editable=False,
        help_text="How long Prometheus keeps data (read from it); empty: not known.")

    class Meta:
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(timeout_seconds__gt=0) & Q(timeout_seconds__lte=120),
                name="slos_datasource_timeout_range",
            ),
        ]

    def __str__(self):
        return self.name

    def __repr__(self):
        return f"<DataSource {self.name} {self.url} auth={self.auth}>"

    def clean(self):
        errors = {}
        if self.auth == self.Auth.BEARER and not self.bearer_token:
            errors["bearer_token"] = "A bearer token is needed for bearer authentication."
        if self.auth == self.Auth.BASIC and not self.username:
            errors["username"] = "A user name is needed for basic authentication."
        if self.url and "url" not in errors and not allowed_prometheus_host(self.url):
            errors["url"] = (f"{urlsplit(self.url).hostname} is not an allowed Prometheus host: "
                             "the server would call it. An administrator adds it to "
                             "PROMETHEUS_ALLOWED_HOSTS.")
        if self.timeout_seconds is not None and not 0 < self.timeout_seconds <= 120:
            errors["timeout_seconds"] = "Give a timeout between 0 and 120 seconds."
        if errors:
            raise ValidationError(errors)

    def client(self):
        return PrometheusClient(
            self.url,
            timeout=self.timeout_seconds,
            bearer_token=self.bearer_token if self.auth == self.Auth.BEARER else None,
            basic_auth=(self.username, self.password) if self.auth == self.Auth.BASIC else None,
        )

    @classmethod
    def default(cls):
        """The data source new SLOs use: the first one, or one for settings.PROMETHEUS_URL."""
        source = cls.objects.order_by("pk").first()
        if source is None:
            source, _ = cls.objects.get_or_create(
                name="Prometheus", defaults={"url": settings.PROMETHEUS_URL}
            )
        return source
