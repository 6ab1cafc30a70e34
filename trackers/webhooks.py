"""POST /api/v1/trackers/<connection id>/webhook/: a tracker's delivery. The signature (or
token) is checked against the connection's webhook secret before anything is read: a bad
one is 403, a body that is not the tracker's JSON 400, an issue the site does not know 200
(ignored, so the tracker does not retry it forever). Never a 500."""

import logging

from django.http import JsonResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from trackers import crypto, sync
from trackers.base import BadSignature, MalformedPayload
from trackers.models import TrackerConnection

log = logging.getLogger(__name__)


@csrf_exempt
@require_POST
def receive(request, pk):
    if not crypto.configured():
        return JsonResponse({"detail": crypto.MISSING_KEY_MESSAGE}, status=503)
    connection = TrackerConnection.objects.filter(pk=pk).first()
    if connection is None:
        return JsonResponse({"detail": "No such tracker connection."}, status=404)
    try:
        counts = sync.receive(connection, request.headers, request.body, request.GET)
    except BadSignature as exc:
        log.warning("tracker webhook %s refused: %s", pk, exc)
        return JsonResponse({"detail": str(exc)}, status=403)
    except MalformedPayload as exc:
        return JsonResponse({"detail": str(exc)}, status=400)
    except crypto.UnreadableSecret as exc:
        return JsonResponse({"detail": str(exc)}, status=503)
    return JsonResponse(counts)
