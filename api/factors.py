"""/api/v1/factors/: contributing factors of a postmortem; whoever may edit the postmortem
adds, changes (version rule) and deletes. Filter: postmortem."""

from api.base import ResourceViewSet
from api.concurrency import VersionedSerializer
from postmortems.models import ContributingFactor
from postmortems.permissions import require_edit


class FactorSerializer(VersionedSerializer):
    create_only_fields = ("postmortem",)

    class Meta:
        model = ContributingFactor
        fields = ["id", "postmortem", "position", "text", "version"]


class FactorViewSet(ResourceViewSet):
    serializer_class = FactorSerializer
    filterset_fields = ["postmortem"]

    def get_queryset(self):
        return ContributingFactor.objects.all()

    def perform_create(self, serializer):
        require_edit(self.request.user, serializer.validated_data["postmortem"])
        serializer.save()
