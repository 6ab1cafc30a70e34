"""POST /api/v1/trackers/<connection id>/webhook/: a tracker's delivery. The signature (or
token) is checked against the connection's webhook secret before anything is read: a bad
one is 403, a body that is not the tracker's JSON 400, an issue the site does not know 200
(ignored, so the tracker does not retry it forever). Never a 500.

POST /api/v1/trackers/<github|gitlab|jira>/webhook/: the same, one URL per kind of tracker
(e.g. an organisation-wide GitHub webhook): the connection is the one the payload names
(repository, project, Jira site) whose secret verifies the signature; none named is 404,
none verifying 403."""

import logging

from django.http import JsonResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from trackers import crypto, sync
from trackers.base import BadSignature, MalformedPayload, load_json
from trackers.models import TrackerConnection

log = logging.getLogger(__name__)


WHAT_NAMES_IT = {"github": "repository.full_name", "gitlab": "project.path_with_namespace",
                 "jira": "issue.self (the Jira site)"}


@csrf_exempt
@require_POST
def receive(request, pk):
    if not crypto.configured():
        return JsonResponse({"detail": crypto.MISSING_KEY_MESSAGE}, status=503)
    connection = TrackerConnection.objects.filter(pk=pk).first()
    if connection is None:
        return JsonResponse({"detail": "No such tracker connection."}, status=404)
    return _deliver(request, [connection])


@csrf_exempt
@require_POST
def receive_by_kind(request, kind):
    if kind not in WHAT_NAMES_IT:
        return JsonResponse({"detail": "Trackers are github, gitlab or jira."}, status=404)
    if not crypto.configured():
        return JsonResponse({"detail": crypto.MISSING_KEY_MESSAGE}, status=503)
    try:
        payload = load_json(request.body)
    except MalformedPayload as exc:
        return JsonResponse({"detail": str(exc)}, status=400)
    connections = TrackerConnection.objects.for_webhook(kind, payload)
    if not connections:
        return JsonResponse({"detail": f"No {kind} tracker here is for the delivery's "
                                       f"{WHAT_NAMES_IT[kind]}."}, status=404)
    return _deliver(request, connections)


def _deliver(request, connections):
    """The delivery, received by the first connection whose secret verifies its signature."""
    refusal = None
    for connection in connections:
        try:
            counts = sync.receive(connection, request.headers, request.body, request.GET)
        except BadSignature as exc:
            refusal = refusal or exc
            continue
        except MalformedPayload as exc:
            return JsonResponse({"detail": str(exc)}, status=400)
        except crypto.UnreadableSecret as exc:
            return JsonResponse({"detail": str(exc)}, status=503)
        return JsonResponse(counts)
    log.warning("tracker webhook refused (%s): %s",
                ", ".join(str(c.pk) for c in connections), refusal)
    return JsonResponse({"detail": str(refusal)}, status=403)
