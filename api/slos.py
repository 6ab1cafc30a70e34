"""/api/v1/slos/: SLOs with the figures of their latest poll (the same figures as the panels
and /api/slos/), and GET …/gate/: may risky changes ship? Read-only here (SLOs are edited on
their form, which checks the queries against Prometheus). Filter: service (slug)."""

import django_filters
from django.utils import timezone
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import serializers
from rest_framework.decorators import action
from rest_framework.response import Response

from api.base import ReadOnlyResourceViewSet
from slos.models import SLO


class PeriodSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=["monthly", "weekly"])
    key = serializers.CharField(help_text="2026-11 or 2026-W48")
    name = serializers.CharField(help_text="November 2026, week 48 of 2026")
    start = serializers.DateTimeField()
    end = serializers.DateTimeField()
    day = serializers.IntegerField()
    days = serializers.IntegerField()
    label = serializers.CharField(help_text="November 2026 (day 30 of 30)")


class FiguresSerializer(serializers.Serializer):
    """SLO.figures(): add a field here when the model grows one."""

    sli = serializers.FloatField(allow_null=True)
    met = serializers.BooleanField(allow_null=True)
    budget_remaining = serializers.FloatField(allow_null=True)
    burn_rates = serializers.DictField(child=serializers.FloatField(allow_null=True))
    time_to_exhaustion_seconds = serializers.FloatField(allow_null=True)
    policy = serializers.CharField()
    policy_words = serializers.CharField()
    risky_changes_allowed = serializers.BooleanField()
    last_polled_at = serializers.DateTimeField(allow_null=True)
    last_good_at = serializers.DateTimeField(allow_null=True)
    stale = serializers.BooleanField()
    status = serializers.CharField()
    fault = serializers.CharField(allow_blank=True)
    error = serializers.CharField(allow_blank=True)
    window_kind = serializers.ChoiceField(choices=["rolling", "calendar"])
    period = PeriodSerializer(allow_null=True, help_text="The current calendar period of a "
                              "calendar SLO (month to date, week to date); null when rolling.")


class GateSerializer(serializers.Serializer):
    slo = serializers.IntegerField()
    name = serializers.CharField()
    allowed = serializers.BooleanField()
    policy = serializers.CharField()
    budget_remaining = serializers.FloatField(allow_null=True)
    reason = serializers.CharField()


class SLOSerializer(serializers.ModelSerializer):
    service = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    data_source = serializers.StringRelatedField()
    figures = serializers.SerializerMethodField()
    url = serializers.CharField(source="get_absolute_url", read_only=True)
    window_kind = serializers.CharField(read_only=True, help_text="rolling or calendar")

    class Meta:
        model = SLO
        fields = ["id", "name", "slug", "service", "description", "kind", "data_source",
                  "good_query", "total_query", "target", "window", "window_kind", "fast_burn_rate",
                  "slow_burn_rate", "fast_ticket_burn_rate", "ticket_burn_rate",
                  "fast_severity", "slow_severity", "fast_ticket_severity", "ticket_severity",
                  "query_check", "created_at", "updated_at", "figures", "url"]

    @extend_schema_field(FiguresSerializer)
    def get_figures(self, slo):
        return FiguresSerializer(slo.figures(self.context.get("now"))).data


class SLOFilter(django_filters.FilterSet):
    service = django_filters.CharFilter(field_name="service__slug", help_text="A service slug.")

    class Meta:
        model = SLO
        fields = ["window", "kind"]


class SLOViewSet(ReadOnlyResourceViewSet):
    serializer_class = SLOSerializer
    filterset_class = SLOFilter

    def get_queryset(self):
        return SLO.objects.for_panels()

    def get_serializer_context(self):
        return {**super().get_serializer_context(), "now": timezone.now()}

    @extend_schema(responses=GateSerializer)
    @action(detail=True, methods=["get"])
    def gate(self, request, pk=None):
        return Response(GateSerializer(self.get_object().gate()).data)
