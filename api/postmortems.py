"""/api/v1/postmortems/: one per incident, started by whoever may edit the incident; changed
under the version rule; POST …/state/ moves it to review, publishes it (refused with the
orphaned action items while any remain) or returns it to draft. Not deleted, as on the pages.
Filters: incident, state."""

from django.db import transaction
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from api.concurrency import VersionedSerializer
from api.permissions import RolePermission
from postmortems.models import Postmortem, PublishBlocked
from postmortems.permissions import require_edit


class PostmortemSerializer(VersionedSerializer):
    create_only_fields = ("incident",)
    url = serializers.CharField(source="get_absolute_url", read_only=True)
    author = serializers.SlugRelatedField(slug_field="username", read_only=True)

    class Meta:
        model = Postmortem
        fields = ["id", "incident", "template", "state", "author", "executive_summary",
                  "customers_affected", "impact_minutes", "revenue_impact", "revenue_currency",
                  "support_tickets", "impact_notes", "what_happened", "trigger", "detection",
                  "resolution", "root_cause_sentence", "immediate_fix", "long_term_fix_ticket",
                  "published_at", "created_at", "updated_at", "version", "url"]
        read_only_fields = ["state", "published_at"]


class StateSerializer(serializers.Serializer):
    action = serializers.ChoiceField(choices=["review", "publish", "draft"],
                                     help_text="review, publish or draft")


class PostmortemViewSet(mixins.CreateModelMixin, mixins.UpdateModelMixin,
                        viewsets.ReadOnlyModelViewSet):
    serializer_class = PostmortemSerializer
    permission_classes = [RolePermission]
    filterset_fields = ["incident", "state"]

    def get_queryset(self):
        return Postmortem.objects.select_related("incident", "author").order_by("-pk")

    def perform_create(self, serializer):
        require_edit(self.request.user, serializer.validated_data["incident"])
        with transaction.atomic():
            serializer.save(author=self.request.user)

    @extend_schema(request=StateSerializer, responses={
        200: PostmortemSerializer,
        400: inline_serializer("PublishBlocked", {
            "detail": serializers.CharField(), "code": serializers.CharField(),
            "orphaned_action_items": serializers.ListField(child=serializers.IntegerField()),
        })})
    @action(detail=True, methods=["post"])
    def state(self, request, pk=None):
        postmortem = self.get_object()
        step = StateSerializer(data=request.data)
        step.is_valid(raise_exception=True)
        chosen = step.validated_data["action"]
        if chosen == "publish":
            try:
                postmortem.publish()
            except PublishBlocked as blocked:
                return Response({"detail": str(blocked), "code": "publish_blocked",
                                 "orphaned_action_items": [item.pk for item in blocked.items]},
                                status=status.HTTP_400_BAD_REQUEST)
        elif chosen == "review":
            postmortem.submit_for_review()
        else:
            postmortem.return_to_draft()
        return Response(self.get_serializer(postmortem).data)
