"""Admin pages of the review meeting records (imported by postmortems/admin.py)."""

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from postmortems.models import (
    Attendee,
    Decision,
    DissentingView,
    EditConflict,
    Meeting,
    MeetingSection,
    OrphanAcceptance,
)


class MeetingSectionInline(admin.TabularInline):
    model = MeetingSection
    extra = 0
    fields = ["key", "planned_minutes", "actual_seconds", "notes"]


class AttendeeInline(admin.TabularInline):
    model = Attendee
    extra = 0
    raw_id_fields = ["user"]


class DissentingViewInline(admin.TabularInline):
    model = DissentingView
    extra = 0
    raw_id_fields = ["user"]


class DecisionInline(admin.TabularInline):
    model = Decision
    extra = 0


class OrphanAcceptanceInline(admin.TabularInline):
    model = OrphanAcceptance
    extra = 0
    raw_id_fields = ["action_item", "accepted_by"]


@admin.register(Meeting)
class MeetingAdmin(SimpleHistoryAdmin):
    list_display = ["postmortem", "facilitator", "started_at", "closed_at"]
    raw_id_fields = ["postmortem", "facilitator"]
    inlines = [MeetingSectionInline, AttendeeInline, DissentingViewInline, DecisionInline,
               OrphanAcceptanceInline]


@admin.register(EditConflict)
class EditConflictAdmin(admin.ModelAdmin):
    list_display = ["model", "object_id", "user", "base_version", "current_version",
                    "outcome", "created_at"]
    list_filter = ["model", "outcome"]
    raw_id_fields = ["user"]
