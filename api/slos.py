"""/api/v1/slos/: SLOs with the figures of their latest poll (the same figures as the panels
and /api/slos/), GET …/gate/: may risky changes ship?, and the writes the pages allow:

- editors create and change SLOs (POST, PUT/PATCH with the ``version`` the change is based on:
  a stale change of the same field gets 409 with both versions), admins delete (``?version=``).
  The rules are the form's, in the same places: the model's ``clean()`` (PromQL parse with
  position and reason, the ``[$window]`` range, the target rules) and ``slos.editing`` (the
  expressions asked of Prometheus when it can be reached; saved unchecked when not). Service
  by slug, data source by id or name (admins add data sources, on their page, not here).
- editors import a file (POST …/import/: the definition template, OpenSLO v1 or Sloth, detected
  from the file, all or nothing, through ``slos.formats.choice`` as the import page and the
  ``import_slos`` command) and anyone exports them all (GET …/export/?format=template|openslo).
- editors queue a poll now (POST …/<id>/poll/), through the outbox when the broker is down.

Filter: service (slug), window, kind."""

from functools import cached_property

import django_filters
from django.http import HttpResponse
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_field,
)
from rest_framework import parsers, serializers, status
from rest_framework.decorators import action
from rest_framework.response import Response

from accounts.roles import ADMIN, EDITOR, require_role
from api.base import ResourceViewSet
from api.concurrency import VersionedSerializer
from config import queue
from postmortems.models import Service
from slos import definitions, editing
from slos.formats import choice, safe_yaml
from slos.models import SLO, DataSource
from slos.tasks import poll_one


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


@extend_schema_field(OpenApiTypes.STR)
class DataSourceField(serializers.RelatedField):
    """A data source by id or by name (read back as its name). Only existing ones: admins add
    data sources on their page."""

    default_error_messages = {
        "unknown": "No data source {value!r}: give the id or the name of one listed on the "
                   "data sources page (an admin adds new ones there).",
        "incorrect_type": "The id (a number) or the name (text) of a data source.",
    }

    def __init__(self, **kwargs):
        super().__init__(queryset=DataSource.objects.all(), **kwargs)

    def to_internal_value(self, data):
        if isinstance(data, bool) or not isinstance(data, int | str):
            self.fail("incorrect_type")
        text = str(data).strip()
        source = None
        if text.isdigit() and int(text) < 2**31:
            source = self.get_queryset().filter(pk=int(text)).first()
        source = source or self.get_queryset().filter(name=text[:200]).first()
        if source is None:
            self.fail("unknown", value=text[:100])
        return source

    def to_representation(self, value):
        return str(value)


class SLOSerializer(VersionedSerializer):
    service = serializers.SlugRelatedField(
        slug_field="slug", queryset=Service.objects.all(), help_text="The service's slug.",
        error_messages={"does_not_exist": "No service with the slug {value}: services are "
                                          "kept in the catalogue (GET /api/v1/services/)."})
    data_source = DataSourceField(
        required=False, help_text="The data source's id or name; when creating, the first "
                                  "one if not given.")
    figures = serializers.SerializerMethodField()
    url = serializers.CharField(source="get_absolute_url", read_only=True)
    window_kind = serializers.CharField(read_only=True, help_text="rolling or calendar")
    notes = serializers.SerializerMethodField(
        help_text="What this save noticed (only in the answer to a write): the expressions "
                  "not checked because Prometheus could not be asked, a side with no series, "
                  "a target above 99.99%.")

    class Meta:
        model = SLO
        fields = ["id", "name", "slug", "service", "description", "kind", "data_source",
                  "good_query", "total_query", "target", "window", "window_kind", "fast_burn_rate",
                  "slow_burn_rate", "fast_ticket_burn_rate", "ticket_burn_rate",
                  "fast_severity", "slow_severity", "fast_ticket_severity", "ticket_severity",
                  "exhausted_severity", "no_data_severity", "min_events", "runbook_url",
                  "alert_labels", "query_check", "query_check_message", "created_at",
                  "updated_at", "version", "figures", "url", "notes"]
        extra_kwargs = {"good_query": {"max_length": definitions.MAX_QUERY},
                        "total_query": {"max_length": definitions.MAX_QUERY},
                        "description": {"max_length": definitions.MAX_DESCRIPTION},
                        "min_events": {"max_value": definitions.MAX_MIN_EVENTS},
                        **{name: {"min_value": 0, "max_value": definitions.MAX_BURN_RATE}
                           for name in ("fast_burn_rate", "slow_burn_rate",
                                        "fast_ticket_burn_rate", "ticket_burn_rate")}}

    @extend_schema_field(FiguresSerializer)
    def get_figures(self, slo):
        return self._figures.to_representation(slo.figures(self.context.get("now")))

    @cached_property
    def _figures(self):
        """One FiguresSerializer for every SLO of a list page: making one per SLO deep-copied
        its 16 fields each time (a page of 500: ~0.9 of ~1.4 s under the profiler)."""
        return FiguresSerializer()

    @extend_schema_field(serializers.ListField(child=serializers.CharField()))
    def get_notes(self, slo):
        return getattr(slo, "save_notes", [])

    def validate(self, attrs):
        if self.instance is None and "data_source" not in attrs:
            attrs["data_source"] = DataSource.default()
        return super().validate(attrs)

    def create(self, validated_data):
        validated_data.pop("version", None)
        return self._save(SLO(), validated_data, None)

    def update(self, instance, validated_data):
        return self._save(instance, validated_data, validated_data.pop("version"))

    def _save(self, slo, values, base_version):
        request = self.context.get("request")
        saved, notes = editing.save(slo, values, base_version,
                                    user=getattr(request, "user", None),
                                    reason="changed by API" if slo.pk else "created by API")
        saved.save_notes = notes
        return saved


class ImportResultSerializer(serializers.Serializer):
    format = serializers.ChoiceField(choices=list(choice.FORMATS),
                                     help_text="The format the file was read as.")
    imported = serializers.IntegerField(help_text="How many SLOs were created or updated.")
    slos = serializers.ListField(child=serializers.DictField(), help_text="Each SLO saved: "
                                 "id, slug, name, service and how its service was chosen.")


class PollSerializer(serializers.Serializer):
    queued = serializers.BooleanField(help_text="False: the broker could not be reached; the "
                                                "poll is kept in the outbox and sent later.")
    detail = serializers.CharField()


class YAMLBodyParser(parsers.BaseParser):
    """The request body as text (at most the importer's size limit plus one byte is read:
    the action says the file is too large)."""

    media_type = "application/yaml"

    def parse(self, stream, media_type=None, parser_context=None):
        return {"body": stream.read(safe_yaml.MAX_BYTES + 1) if stream is not None else b""}


class XYAMLBodyParser(YAMLBodyParser):
    media_type = "application/x-yaml"


class TextBodyParser(YAMLBodyParser):
    media_type = "text/*"


class OctetBodyParser(YAMLBodyParser):
    media_type = "application/octet-stream"


IMPORT_FORMATS = {"auto": choice.AUTO, "template": choice.DEFINITIONS,
                  "definitions": choice.DEFINITIONS, "openslo": choice.OPENSLO,
                  "sloth": choice.SLOTH}
EXPORT_FORMATS = {"template": choice.DEFINITIONS, "definitions": choice.DEFINITIONS,
                  "openslo": choice.OPENSLO}
FILE_BODY = {"type": "string", "description": "The YAML file."}

class SLOFilter(django_filters.FilterSet):
    service = django_filters.CharFilter(field_name="service__slug", help_text="A service slug.")

    class Meta:
        model = SLO
        fields = ["window", "kind"]


class SLOViewSet(ResourceViewSet):
    serializer_class = SLOSerializer
    filterset_class = SLOFilter
    create_role = EDITOR
    change_role = EDITOR
    delete_role = ADMIN

    def get_queryset(self):
        return SLO.objects.for_panels()

    def get_serializer_context(self):
        return {**super().get_serializer_context(), "now": timezone.now()}

    def perform_content_negotiation(self, request, force=False):
        # ?format= names the file format of import and export, not DRF's renderer.
        return super().perform_content_negotiation(
            request, force=force or self.action in ("import_file", "export"))

    @extend_schema(responses=GateSerializer)
    @action(detail=True, methods=["get"])
    def gate(self, request, pk=None):
        return Response(GateSerializer(self.get_object().gate()).data)

    @extend_schema(request=None, responses={202: PollSerializer})
    @action(detail=True, methods=["post"])
    def poll(self, request, pk=None):
        """Poll this SLO now (as the panel's "Poll now" button): queued for a worker."""
        slo = self.get_object()
        sent = queue.send(poll_one, slo.pk)
        return Response({"queued": sent, "detail": "A poll was queued; read the SLO again in "
                         "a few seconds." if sent else queue.NOT_SENT_MESSAGE},
                        status=status.HTTP_202_ACCEPTED)

    @extend_schema(
        request={"application/yaml": FILE_BODY, "text/plain": FILE_BODY,
                 "multipart/form-data": {"type": "object", "properties": {
                     "file": {"type": "string", "format": "binary"}}}},
        parameters=[
            OpenApiParameter("format", str, enum=list(IMPORT_FORMATS), description=(
                "auto (default): read from the file (apiVersion: openslo/v1, version: "
                '"prometheus/v1", else the SLO definition template)')),
            OpenApiParameter("service", str, description="Service slug for entries that name "
                                                         "none (template and Sloth)."),
            OpenApiParameter("data_source", str, description="Data source id or name "
                                                             "(default: the first)."),
        ],
        responses={201: ImportResultSerializer})
    @action(detail=False, methods=["post"], url_path="import", url_name="import",
            parser_classes=[YAMLBodyParser, XYAMLBodyParser, TextBodyParser, OctetBodyParser,
                            parsers.MultiPartParser])
    def import_file(self, request):
        """Create or update SLOs from a file, all or nothing (the /slos/import/ page's rules).
        Send the YAML as the body (Content-Type: application/yaml) or as the multipart field
        ``file``."""
        require_role(request.user, EDITOR)
        options = self._import_options(request.query_params)
        text = self._file_text(request)
        try:
            read_as, saved = choice.import_text(text, options["format"],
                                                default_service=options["service"],
                                                data_source=options["data_source"])
        except definitions.ImportRefused as refused:
            raise serializers.ValidationError({"file": refused.errors}) from None
        return Response({"format": read_as, "imported": len(saved), "slos": [
            {"id": slo.pk, "slug": slo.slug, "name": slo.name, "service": slo.service.slug,
             "service_reason": slo.service_reason, "version": slo.version} for slo in saved]},
            status=status.HTTP_201_CREATED)

    @staticmethod
    def _import_options(params):
        errors, options = {}, {"service": None, "data_source": None}
        given = params.get("format") or "auto"
        options["format"] = IMPORT_FORMATS.get(given)
        if options["format"] is None:
            errors["format"] = [f"Use one of {', '.join(IMPORT_FORMATS)}."]
        if params.get("service"):
            options["service"] = Service.objects.filter(slug=params["service"][:200]).first()
            if options["service"] is None:
                errors["service"] = [f"No service with the slug {params['service'][:100]!r}."]
        if params.get("data_source"):
            try:
                options["data_source"] = DataSourceField().to_internal_value(
                    params["data_source"])
            except serializers.ValidationError as error:
                errors["data_source"] = error.detail
        if errors:
            raise serializers.ValidationError(errors)
        return options

    @staticmethod
    def _file_text(request):
        data = request.data
        body = data.get("body") if "body" in data and not hasattr(data, "getlist") else None
        upload = request.FILES.get("file") if body is None else None
        if upload is not None:
            body = upload.read(safe_yaml.MAX_BYTES + 1)
        if not body:
            raise serializers.ValidationError({"file": [
                "Send the YAML file as the body (Content-Type: application/yaml) or as the "
                "multipart field file."]})
        if len(body) > safe_yaml.MAX_BYTES:
            raise serializers.ValidationError({"file": [
                f"The file is over {safe_yaml.MAX_BYTES / 1_000_000:.1f} MB, the limit."]})
        try:
            return body.decode("utf-8-sig")
        except UnicodeDecodeError:
            raise serializers.ValidationError({"file": ["The file is not UTF-8 text."]}) \
                from None

    @extend_schema(
        parameters=[OpenApiParameter("format", str, enum=list(EXPORT_FORMATS),
                                     description="template (default) or openslo")],
        responses={(200, "application/yaml"): OpenApiResponse(
            OpenApiTypes.STR, description="Every SLO as one YAML file.")})
    @action(detail=False, methods=["get"])
    def export(self, request):
        """Every SLO as YAML: the SLO definition template (what import reads back) or
        OpenSLO v1."""
        given = request.query_params.get("format") or "template"
        if given not in EXPORT_FORMATS:
            raise serializers.ValidationError({"format": [
                f"Use one of {', '.join(EXPORT_FORMATS)}."]})
        text = choice.export(SLO.objects.select_related("service"), EXPORT_FORMATS[given])
        return HttpResponse(text, content_type="application/yaml; charset=utf-8")
