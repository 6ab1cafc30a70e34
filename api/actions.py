"""/api/v1/action-items/: whoever may edit the incident adds and changes items (version
rule); items are not deleted (close them as done or won't do, as on the pages). Each carries
the orphaned/overdue flags of ActionItemQuerySet.with_flags, and its linked tracker ticket
(``ticket`` holds the key; ``ticket_url``, ``ticket_state``, read-only). Filters: incident, status,
priority, owner (username), orphaned, overdue."""

import django_filters
from django.contrib.auth import get_user_model
from rest_framework import mixins, serializers, viewsets

from api.concurrency import VersionedSerializer
from api.permissions import RolePermission
from postmortems.models import ActionItem
from postmortems.permissions import require_edit


class ActionItemSerializer(VersionedSerializer):
    create_only_fields = ("incident",)
    owner = serializers.SlugRelatedField(
        slug_field="username", required=False, allow_null=True,
        queryset=get_user_model().objects.all(), help_text="Username of the owner.")
    is_orphaned = serializers.BooleanField(read_only=True)
    orphan_reason = serializers.CharField(read_only=True)
    is_overdue = serializers.BooleanField(read_only=True)
    ticket_url = serializers.CharField(
        source="ticket_link.url", read_only=True, allow_null=True,
        help_text="The linked tracker issue's address (null: no linked ticket).")
    ticket_state = serializers.ChoiceField(
        source="ticket_link.state", choices=["pending", "open", "closed"], read_only=True,
        allow_null=True, help_text="The linked ticket's state in its tracker: pending (being "
                                   "created), open or closed; null: no linked ticket.")
    ticket_state_name = serializers.CharField(
        source="ticket_link.state_name", read_only=True, allow_null=True,
        help_text="The tracker's own word for the state, e.g. In Progress.")
    ticket_synced_at = serializers.DateTimeField(
        source="ticket_link.synced_at", read_only=True, allow_null=True,
        help_text="When the tracker last answered for this ticket.")

    class Meta:
        model = ActionItem
        fields = ["id", "incident", "priority", "text", "owner", "owner_name", "due", "ticket",
                  "status", "wont_do_reason", "addresses_why", "addresses_factor",
                  "is_orphaned", "orphan_reason", "is_overdue", "ticket_url", "ticket_state",
                  "ticket_state_name", "ticket_synced_at", "created_at", "updated_at",
                  "version"]

    def to_representation(self, instance):
        if not hasattr(instance, "is_orphaned"):
            instance = ActionItem.objects.with_flags().select_related(
                "owner", "ticket_link").get(pk=instance.pk)
        return super().to_representation(instance)


class ActionItemFilter(django_filters.FilterSet):
    owner = django_filters.CharFilter(field_name="owner__username", help_text="A username.")
    orphaned = django_filters.BooleanFilter(field_name="is_orphaned")
    overdue = django_filters.BooleanFilter(field_name="is_overdue")

    class Meta:
        model = ActionItem
        fields = ["incident", "status", "priority"]


class ActionItemViewSet(mixins.CreateModelMixin, mixins.UpdateModelMixin,
                        viewsets.ReadOnlyModelViewSet):
    serializer_class = ActionItemSerializer
    permission_classes = [RolePermission]
    filterset_class = ActionItemFilter

    def get_queryset(self):
        return ActionItem.objects.with_flags().select_related("owner", "ticket_link")

    def perform_create(self, serializer):
        require_edit(self.request.user, serializer.validated_data["incident"])
        serializer.save()
