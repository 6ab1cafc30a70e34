"""What every API resource shares: the roles (api.permissions), JSON errors (api.errors),
pages of results, the version rule on writes and deletes (api.concurrency)."""

from rest_framework import serializers, viewsets

from api.permissions import RolePermission
from postmortems.revisions.concurrency import delete_versioned


def version_param(request):
    """The ``?version=`` a DELETE is based on (None: not checked)."""
    value = request.query_params.get("version")
    if value in (None, ""):
        return None
    field = serializers.IntegerField(min_value=1, max_value=2**31 - 1)
    try:
        return field.run_validation(value)
    except serializers.ValidationError as error:
        raise serializers.ValidationError({"version": error.detail}) from error


class ResourceViewSet(viewsets.ModelViewSet):
    permission_classes = [RolePermission]
    http_method_names = ["get", "post", "put", "patch", "delete", "head", "options"]

    def perform_destroy(self, instance):
        delete_versioned(instance, version_param(self.request), reason="deleted by API")


class ReadOnlyResourceViewSet(viewsets.ReadOnlyModelViewSet):
    permission_classes = [RolePermission]
