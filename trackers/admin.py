from django.contrib import admin

from trackers.models import TicketLink, TrackerConnection


@admin.register(TrackerConnection)
class TrackerConnectionAdmin(admin.ModelAdmin):
    """Credentials are not editable here (nor shown): the Trackers page sets them."""

    list_display = ["name", "kind", "base_url", "project", "is_default"]
    exclude = ["token_encrypted", "webhook_secret_encrypted"]


@admin.register(TicketLink)
class TicketLinkAdmin(admin.ModelAdmin):
    list_display = ["key", "connection", "state", "state_name", "synced_at", "last_error"]
    list_select_related = ["connection"]
    raw_id_fields = ["item"]
    readonly_fields = ["synced_at", "failures", "next_attempt_at"]
