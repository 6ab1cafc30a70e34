"""/api/v1/whys/: the 5-whys chain of a postmortem; a new why without a position goes last.
Whoever may edit the postmortem adds, changes (version rule) and deletes. Filter: postmortem."""

from django.db import transaction
from django.db.models import Max
from rest_framework import serializers

from api.base import ResourceViewSet
from api.concurrency import VersionedSerializer
from postmortems.models import Why
from postmortems.permissions import require_edit


class WhySerializer(VersionedSerializer):
    create_only_fields = ("postmortem",)
    position = serializers.IntegerField(min_value=1, max_value=32767, required=False,
                                        help_text="1 for the first why; blank: last.")

    class Meta:
        model = Why
        fields = ["id", "postmortem", "position", "question", "answer", "is_root_cause",
                  "version"]
        validators = []  # the position rule is checked in validate, with a clear message

    def validate(self, attrs):
        attrs = super().validate(attrs)
        position = attrs.get("position")
        postmortem = attrs.get("postmortem") or getattr(self.instance, "postmortem", None)
        if position is not None and postmortem is not None:
            taken = Why.objects.filter(postmortem=postmortem, position=position)
            if self.instance is not None:
                taken = taken.exclude(pk=self.instance.pk)
            if taken.exists():
                raise serializers.ValidationError(
                    {"position": [f"Why {position} already exists in this postmortem."]})
        return attrs


class WhyViewSet(ResourceViewSet):
    serializer_class = WhySerializer
    filterset_fields = ["postmortem"]

    def get_queryset(self):
        return Why.objects.all()

    def perform_create(self, serializer):
        postmortem = serializer.validated_data["postmortem"]
        require_edit(self.request.user, postmortem)
        with transaction.atomic():
            if serializer.validated_data.get("position") is None:
                last = postmortem.whys.aggregate(last=Max("position"))["last"] or 0
                serializer.validated_data["position"] = last + 1
            serializer.save()
