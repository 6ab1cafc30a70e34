"""Every API error is JSON with a 4xx code: ``{"detail": …, "code": …}``, plus
``{"errors": {field: [messages]}}`` for refused input. Rules the models enforce (clean(),
Django's ValidationError, a database constraint raced past validation) answer 400 too,
never 500."""

from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import IntegrityError
from django.http import Http404
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler

from postmortems.models.trash import IncidentInTrash
from postmortems.revisions.concurrency import Conflict, StaleDelete


def field_errors(error):
    """{field: [messages]} from a Django ValidationError (non-field errors under
    ``non_field_errors``, as DRF names them)."""
    if hasattr(error, "error_dict"):
        return {("non_field_errors" if name == "__all__" else name): [str(m) for m in messages]
                for name, messages in error.message_dict.items()}
    return {"non_field_errors": [str(m) for m in error.messages]}


def conflict_response(exc, context):
    """409 with both versions: the object as saved now (theirs) and what was sent (yours)."""
    view = context.get("view")
    current = view.get_serializer(exc.current).data if view is not None else None
    body = {"detail": str(exc), "code": "conflict", "base_version": exc.base_version,
            "current_version": exc.current.version, "current": current}
    if isinstance(exc, Conflict):
        body["fields"] = exc.fields
        body["yours"] = exc.record.attempted if exc.record is not None else None
    return Response(body, status=status.HTTP_409_CONFLICT)


def handle(exc, context):
    if isinstance(exc, (Conflict, StaleDelete)):
        return conflict_response(exc, context)
    if isinstance(exc, IncidentInTrash):  # moved there while the change ran
        return Response({"detail": str(exc), "code": "in_trash"},
                        status=status.HTTP_409_CONFLICT)
    if isinstance(exc, DjangoValidationError):
        exc = exceptions.ValidationError(field_errors(exc))
    elif isinstance(exc, IntegrityError):
        return Response({"detail": "The database refused this change: it would break a rule "
                                   "of the data (a duplicate or an impossible value).",
                         "code": "integrity_error"}, status=status.HTTP_400_BAD_REQUEST)
    elif isinstance(exc, PermissionDenied):
        exc = exceptions.PermissionDenied(str(exc) or None)
    elif isinstance(exc, Http404):
        exc = exceptions.NotFound()
    response = exception_handler(exc, context)
    if response is None:
        return None
    data = response.data
    if isinstance(exc, exceptions.ValidationError):
        errors = data if isinstance(data, dict) else {"non_field_errors": data}
        response.data = {"detail": "Some of the input was refused; see errors.",
                         "code": "invalid", "errors": errors}
    elif isinstance(data, dict) and "detail" in data:
        detail = data["detail"]
        response.data = {"detail": str(detail),
                         "code": getattr(detail, "code", None) or "error"}
    return response
