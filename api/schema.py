"""The OpenAPI schema says what errors look like: every operation documents its 4xx answers
(api.errors) beside its successful one, so clients (and schemathesis) can rely on them."""

from drf_spectacular.openapi import AutoSchema
from drf_spectacular.utils import OpenApiResponse
from rest_framework import serializers


class ErrorSerializer(serializers.Serializer):
    detail = serializers.CharField()
    code = serializers.CharField()
    errors = serializers.DictField(
        child=serializers.JSONField(), required=False,
        help_text="Refused input: {field: [messages]}, non-field messages under "
                  "non_field_errors.")


class ConflictSerializer(ErrorSerializer):
    base_version = serializers.IntegerField(allow_null=True)
    current_version = serializers.IntegerField()
    current = serializers.JSONField(help_text="The object as saved now (theirs).")
    fields = serializers.ListField(child=serializers.CharField(), required=False,
                                   help_text="The fields both sides changed.")
    yours = serializers.JSONField(required=False, allow_null=True,
                                  help_text="What you sent (kept, nothing is lost).")


ERRORS = {
    "400": "Refused input, with a message per field.",
    "401": "No session and no valid API token.",
    "403": "Your role (or a read-only token) does not allow this.",
    "404": "No such object.",
}


class SchemaWithErrors(AutoSchema):
    def _get_response_bodies(self, direction="response"):
        bodies = super()._get_response_bodies(direction)
        errors = dict(ERRORS)
        if self.method in ("GET", "HEAD"):
            errors.pop("403")
        for code, text in errors.items():
            bodies.setdefault(code, self._get_response_for_code(
                OpenApiResponse(ErrorSerializer, description=text), code, direction=direction))
        if self.method in ("PUT", "PATCH", "DELETE"):
            bodies.setdefault("409", self._get_response_for_code(OpenApiResponse(
                ConflictSerializer, description="Somebody changed it since your version."),
                "409", direction=direction))
        return bodies
