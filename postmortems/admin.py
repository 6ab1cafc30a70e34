from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from postmortems.models import (
    ActionItem,
    ContributingFactor,
    Incident,
    Postmortem,
    Service,
    TimelineEntry,
    Why,
)


@admin.register(Service)
class ServiceAdmin(admin.ModelAdmin):
    list_display = ["name", "team"]
    prepopulated_fields = {"slug": ["name"]}
    search_fields = ["name", "team"]


class ActionItemInline(admin.TabularInline):
    model = ActionItem
    extra = 0
    fields = ["priority", "text", "owner", "owner_name", "due", "ticket", "status"]
    autocomplete_fields = ["owner"]


@admin.register(Incident)
class IncidentAdmin(SimpleHistoryAdmin):
    list_display = ["title", "severity", "status", "started_at", "owner", "deleted_at"]
    list_filter = ["severity", "status", "customer_facing", "services",
                   ("deleted_at", admin.EmptyFieldListFilter)]
    search_fields = ["title", "summary"]
    date_hierarchy = "started_at"
    filter_horizontal = ["services"]
    readonly_fields = ["deleted_at", "deleted_by"]
    inlines = [ActionItemInline]

    def get_queryset(self, request):
        # The trash too (postmortems.models.trash): the site's Trash page restores.
        return Incident.all_objects.get_queryset()


class TimelineEntryInline(admin.TabularInline):
    model = TimelineEntry
    extra = 0


class WhyInline(admin.TabularInline):
    model = Why
    extra = 0


class ContributingFactorInline(admin.TabularInline):
    model = ContributingFactor
    extra = 0


@admin.register(Postmortem)
class PostmortemAdmin(SimpleHistoryAdmin):
    list_display = ["incident", "template", "state", "published_at"]
    list_filter = ["template", "state"]
    search_fields = ["incident__title", "executive_summary"]
    raw_id_fields = ["incident"]
    inlines = [TimelineEntryInline, WhyInline, ContributingFactorInline]


@admin.register(TimelineEntry)
class TimelineEntryAdmin(SimpleHistoryAdmin):
    list_display = ["postmortem", "at", "kind", "text"]
    list_filter = ["kind"]
    raw_id_fields = ["postmortem"]


@admin.register(Why)
class WhyAdmin(SimpleHistoryAdmin):
    list_display = ["postmortem", "position", "question", "is_root_cause"]
    raw_id_fields = ["postmortem"]


@admin.register(ContributingFactor)
class ContributingFactorAdmin(SimpleHistoryAdmin):
    list_display = ["postmortem", "position", "text"]
    raw_id_fields = ["postmortem"]


@admin.register(ActionItem)
class ActionItemAdmin(SimpleHistoryAdmin):
    list_display = ["text", "incident", "priority", "owner", "owner_name", "due", "ticket",
                    "status"]
    list_filter = ["priority", "status"]
    search_fields = ["text", "ticket", "owner_name"]
    raw_id_fields = ["incident", "addresses_why", "addresses_factor"]
    autocomplete_fields = ["owner"]


# The review meeting records live in their own module.
from postmortems.meetings import admin as meeting_admin  # noqa: E402, F401
