"""JSON API: the figures of every SLO and the error-budget gate, for dashboards and deploy
pipelines. A session or an API token (Authorization: Bearer <key>) is required; anything else
gets 401 JSON."""

from functools import wraps

from django.contrib.auth.decorators import login_not_required
from django.http import JsonResponse
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.views.decorators.cache import never_cache

from postmortems.models import Service
from slos.models import SLO, ApiToken


def api_view(view):
    """GET only; a logged-in session or a valid API token, else 401 JSON."""

    @login_not_required
    @never_cache
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if request.method != "GET":
            response = JsonResponse({"error": "method not allowed; use GET"}, status=405)
            response["Allow"] = "GET"
            return response
        if not request.user.is_authenticated:
            header = request.headers.get("Authorization", "")
            scheme, _, key = header.partition(" ")
            user = ApiToken.authenticate(key.strip()) if scheme.lower() in {
                "bearer", "token"} else None
            if user is None:
                response = JsonResponse(
                    {"error": "authentication required: log in, or send "
                              "'Authorization: Bearer <API token>'"}, status=401)
                response["WWW-Authenticate"] = 'Bearer realm="slos"'
                return response
            request.user = user
        return view(request, *args, **kwargs)

    return wrapper


def as_json(slo, now):
    figures = slo.figures(now)
    return {
        "id": slo.pk,
        "name": slo.name,
        "slug": slo.slug,
        "service": slo.service.slug,
        "target": float(slo.target),
        "window": slo.window,
        "sli": figures["sli"],
        "met": figures["met"],
        "budget_remaining": figures["budget_remaining"],
        "burn_rates": figures["burn_rates"],
        "time_to_exhaustion_seconds": figures["time_to_exhaustion_seconds"],
        "policy": figures["policy"],
        "last_polled_at": _iso(figures["last_polled_at"]),
        "last_good_at": _iso(figures["last_good_at"]),
        "stale": figures["stale"],
        "status": figures["status"],
        "error": figures["error"],
        "coverage": figures["coverage"],
        "url": slo.get_absolute_url(),
    }


def _iso(value):
    return value.isoformat() if value else None


@api_view
def slo_list(request):
    now = timezone.now()
    return JsonResponse({"slos": [as_json(slo, now) for slo in SLO.objects.for_panels()]})


@api_view
def slo_detail(request, pk):
    return JsonResponse(as_json(get_object_or_404(SLO.objects.for_panels(), pk=pk),
                                timezone.now()))


@api_view
def slo_gate(request, pk):
    return JsonResponse(get_object_or_404(SLO.objects.for_panels(), pk=pk).gate())


@api_view
def service_gate(request, slug):
    """Risky changes to a service may ship only if every one of its SLOs allows them."""
    service = get_object_or_404(Service, slug=slug)
    return JsonResponse(SLO.objects.service_gate(service))
