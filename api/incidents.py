"""/api/v1/incidents/: editors create, admins delete (to the trash, as on the pages: an
incident in the trash is neither listed nor found here), editors and the owner change (roles as
on the pages); filters: status, severity, service (slug), q (full text), started_after and
started_before (ISO 8601)."""

from datetime import UTC

import django_filters
from django import forms
from django.contrib.auth import get_user_model
from django_filters.fields import IsoDateTimeField
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from accounts.roles import ADMIN, EDITOR
from api.base import ResourceViewSet, version_param
from api.concurrency import VersionedSerializer
from postmortems.models import Incident, Service


class IncidentSerializer(VersionedSerializer):
    services = serializers.SlugRelatedField(
        slug_field="slug", many=True, required=False, queryset=Service.objects.all(),
        help_text="Slugs of the affected services.")
    owner = serializers.SlugRelatedField(
        slug_field="username", required=False, allow_null=True,
        queryset=get_user_model().objects.all(), help_text="Username of the owner.")
    postmortem = serializers.SerializerMethodField(help_text="The postmortem's id, if any.")
    postmortem_required_reasons = serializers.ListField(
        child=serializers.CharField(), read_only=True)
    url = serializers.CharField(source="get_absolute_url", read_only=True)

    class Meta:
        model = Incident
        fields = ["id", "title", "severity", "status", "services", "customer_facing",
                  "data_loss", "security", "near_miss", "could_have_been_severe",
                  "novel_failure_mode", "summary", "owner", "started_at", "detected_at",
                  "acknowledged_at", "mitigated_at", "resolved_at", "created_at", "updated_at",
                  "version", "postmortem", "postmortem_required_reasons", "url"]

    @extend_schema_field(serializers.IntegerField(allow_null=True))
    def get_postmortem(self, incident):
        postmortem = getattr(incident, "postmortem", None) if incident.pk else None
        return postmortem.pk if postmortem else None


class UTCDateTimeField(IsoDateTimeField):
    """An ISO 8601 time in any offset, read as UTC (PostgreSQL refuses offsets past ±15:59)."""

    def to_python(self, value):
        value = super().to_python(value)
        if value is None:
            return None
        try:
            return value.astimezone(UTC)
        except OverflowError:
            raise forms.ValidationError("This time is out of range.", code="invalid") from None


class UTCDateTimeFilter(django_filters.IsoDateTimeFilter):
    field_class = UTCDateTimeField


class IncidentFilter(django_filters.FilterSet):
    service = django_filters.CharFilter(field_name="services__slug", distinct=True,
                                        help_text="A service slug.")
    q = django_filters.CharFilter(method="search", help_text="Full-text search.")
    started_after = UTCDateTimeFilter(field_name="started_at", lookup_expr="gte")
    started_before = UTCDateTimeFilter(field_name="started_at", lookup_expr="lt")

    class Meta:
        model = Incident
        fields = ["status", "severity"]

    def search(self, queryset, name, value):
        return queryset.search(value)


class IncidentViewSet(ResourceViewSet):
    serializer_class = IncidentSerializer
    filterset_class = IncidentFilter
    create_role = EDITOR
    delete_role = ADMIN

    def get_queryset(self):
        return (Incident.objects.select_related("owner", "postmortem")
                .prefetch_related("services"))

    def perform_destroy(self, instance):
        instance.move_to_trash(self.request.user, version_param(self.request))
