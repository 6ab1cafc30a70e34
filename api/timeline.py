"""/api/v1/timeline-entries/: the postmortem's timeline (UTC, to the second); whoever may edit
the postmortem adds, changes (version rule) and deletes entries. Filters: postmortem,
incident, kind."""

from api.base import ResourceViewSet
from api.concurrency import VersionedSerializer
from postmortems.models import TimelineEntry
from postmortems.permissions import require_edit


class TimelineEntrySerializer(VersionedSerializer):
    create_only_fields = ("postmortem",)

    class Meta:
        model = TimelineEntry
        fields = ["id", "postmortem", "at", "kind", "text", "version"]


class TimelineEntryViewSet(ResourceViewSet):
    serializer_class = TimelineEntrySerializer
    filterset_fields = {"postmortem": ["exact"], "postmortem__incident": ["exact"],
                        "kind": ["exact"]}

    def get_queryset(self):
        return TimelineEntry.objects.all()

    def perform_create(self, serializer):
        require_edit(self.request.user, serializer.validated_data["postmortem"])
        serializer.save()
