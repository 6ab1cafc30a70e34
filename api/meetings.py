"""/api/v1/meetings/: review meetings and their record, read-only (the meeting is run on its
shared screen). Filters: postmortem, closed."""

import django_filters
from rest_framework import serializers

from api.base import ReadOnlyResourceViewSet
from postmortems.models import Meeting, MeetingSection
from postmortems.models.review_record import Attendee, Decision, DissentingView


class AttendeeSerializer(serializers.ModelSerializer):
    name = serializers.CharField(source="display", read_only=True)

    class Meta:
        model = Attendee
        fields = ["id", "name"]


class SectionSerializer(serializers.ModelSerializer):
    class Meta:
        model = MeetingSection
        fields = ["key", "notes", "planned_minutes", "actual_seconds"]


class DissentSerializer(serializers.ModelSerializer):
    class Meta:
        model = DissentingView
        fields = ["id", "name", "text"]


class DecisionSerializer(serializers.ModelSerializer):
    class Meta:
        model = Decision
        fields = ["id", "text"]


class MeetingSerializer(serializers.ModelSerializer):
    facilitator = serializers.CharField(source="facilitator_name", read_only=True)
    attendees = AttendeeSerializer(many=True, read_only=True)
    sections = SectionSerializer(many=True, read_only=True)
    dissenting_views = DissentSerializer(many=True, read_only=True)
    decisions = DecisionSerializer(many=True, read_only=True)

    class Meta:
        model = Meeting
        fields = ["id", "postmortem", "facilitator", "started_at", "closed_at", "summary",
                  "attendees", "sections", "dissenting_views", "decisions", "version"]


class MeetingFilter(django_filters.FilterSet):
    closed = django_filters.BooleanFilter(field_name="closed_at", lookup_expr="isnull",
                                          exclude=True)

    class Meta:
        model = Meeting
        fields = ["postmortem"]


class MeetingViewSet(ReadOnlyResourceViewSet):
    serializer_class = MeetingSerializer
    filterset_class = MeetingFilter

    def get_queryset(self):
        return (Meeting.objects.select_related("facilitator")
                .prefetch_related("attendees__user", "sections", "dissenting_views",
                                  "decisions").order_by("-started_at", "-pk"))
