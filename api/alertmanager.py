"""POST /api/v1/alertmanager/: Alertmanager's webhook (payload version 4) turned into an
incident by postmortems.intake.receive.

Authenticated by ``Authorization: Bearer <ALERTMANAGER_TOKEN>`` (Alertmanager's
``http_config.authorization``); without that setting the endpoint is off and answers 404.
Severity comes from the ALERTMANAGER_SEVERITY_LABEL label through ALERTMANAGER_SEVERITY_MAP,
services from the ALERTMANAGER_SERVICE_LABEL label, SLOs from the ``slo`` label the
generated rules carry."""

import hmac

from django.conf import settings
from drf_spectacular.utils import extend_schema
from rest_framework import exceptions, serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from postmortems.intake import AlertBatch, ReceivedSignal, receive

SOURCE = "alertmanager"


class AlertSerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=["firing", "resolved"])
    labels = serializers.DictField(child=serializers.CharField(allow_blank=True))
    annotations = serializers.DictField(child=serializers.CharField(allow_blank=True),
                                        required=False, default=dict)
    startsAt = serializers.DateTimeField()
    endsAt = serializers.DateTimeField(required=False, allow_null=True)
    fingerprint = serializers.CharField(max_length=100, required=False, allow_blank=True)
    generatorURL = serializers.CharField(required=False, allow_blank=True)


class PayloadSerializer(serializers.Serializer):
    version = serializers.CharField(required=False)
    groupKey = serializers.CharField(max_length=1000)
    status = serializers.ChoiceField(choices=["firing", "resolved"])
    receiver = serializers.CharField(required=False, allow_blank=True, default="")
    groupLabels = serializers.DictField(
        child=serializers.CharField(allow_blank=True), required=False, default=dict)
    commonLabels = serializers.DictField(
        child=serializers.CharField(allow_blank=True), required=False, default=dict)
    commonAnnotations = serializers.DictField(
        child=serializers.CharField(allow_blank=True), required=False, default=dict)
    externalURL = serializers.CharField(required=False, allow_blank=True, default="")
    alerts = AlertSerializer(many=True, allow_empty=False)

    def validate_version(self, value):
        if value != "4":
            raise serializers.ValidationError(
                f"Webhook payload version {value} is not understood: this site reads version 4.")
        return value


class IntakeSerializer(serializers.Serializer):
    incident = serializers.IntegerField(allow_null=True)
    opened = serializers.BooleanField()
    timeline_entries_added = serializers.IntegerField()
    all_resolved = serializers.BooleanField()


def severity_of(labels):
    value = labels.get(settings.ALERTMANAGER_SEVERITY_LABEL, "").lower()
    return settings.ALERTMANAGER_SEVERITY_MAP.get(value, settings.ALERTMANAGER_DEFAULT_SEVERITY)


def batch_from(payload):
    """The webhook payload as the intake's AlertBatch."""
    alerts = payload["alerts"]
    service_label = settings.ALERTMANAGER_SERVICE_LABEL
    signals = []
    for alert in alerts:
        labels = alert["labels"]
        fingerprint = alert.get("fingerprint") or "-".join(
            f"{k}={v}" for k, v in sorted(labels.items()))[:100]
        ends_at = alert.get("endsAt")
        if ends_at is not None and ends_at.year < 1000:  # Go's zero time: not ended
            ends_at = None
        signals.append(ReceivedSignal(
            fingerprint=fingerprint, name=labels.get("alertname", "alert"),
            firing=alert["status"] == "firing", starts_at=alert["startsAt"], ends_at=ends_at,
            summary=alert.get("annotations", {}).get("summary", ""), labels=labels,
            annotations=alert.get("annotations", {})))
    first = alerts[0]
    summary = (payload["commonAnnotations"].get("summary")
               or first.get("annotations", {}).get("summary")
               or first["labels"].get("alertname", "Alert"))
    return AlertBatch(
        source=SOURCE, key=payload["groupKey"], title=summary,
        severity=min(severity_of(a["labels"]) for a in alerts), signals=signals,
        service_slugs=sorted({a["labels"][service_label] for a in alerts
                              if a["labels"].get(service_label)}),
        slo_slugs=sorted({a["labels"]["slo"] for a in alerts if a["labels"].get("slo")}),
        receiver=payload["receiver"], external_url=payload["externalURL"])


class AlertmanagerWebhook(APIView):
    authentication_classes = []
    permission_classes = []

    def check_token(self, request):
        expected = settings.ALERTMANAGER_TOKEN
        if not expected:
            raise exceptions.NotFound()
        scheme, _, key = request.headers.get("Authorization", "").partition(" ")
        if scheme.lower() != "bearer" or not hmac.compare_digest(key.strip().encode(),
                                                                 expected.encode()):
            raise exceptions.NotAuthenticated(
                "Send 'Authorization: Bearer <ALERTMANAGER_TOKEN>' (http_config.authorization "
                "in the Alertmanager receiver).")

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        self.check_token(request)  # before the method: off is 404 for every method

    def get_authenticate_header(self, request):
        return 'Bearer realm="alertmanager"'

    @extend_schema(request=PayloadSerializer, responses=IntakeSerializer,
                   summary="Alertmanager webhook (payload version 4)")
    def post(self, request):
        payload = PayloadSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        result = receive(batch_from(payload.validated_data))
        return Response(IntakeSerializer({
            "incident": result.incident.pk if result.incident else None,
            "opened": result.opened, "timeline_entries_added": result.entries_added,
            "all_resolved": result.all_resolved}).data)
