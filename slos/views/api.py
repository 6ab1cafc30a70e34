"""JSON API: the figures of every SLO and the error-budget gate, for dashboards and deploy
pipelines. A session or an API token (Authorization: Bearer <key>) is required; anything else
gets 401 JSON."""

from functools import wraps

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.core.paginator import Paginator
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.views.decorators.cache import never_cache

from accounts.models import ApiToken
from config.paging import MAX_PAGE
from postmortems.models import Service
from postmortems.statements import run
from postmortems.templatetags.postmortems import pk_url
from slos.models import SLO, ListedSLO


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
    """An SLO of a list (ListedSLO, with its incident shares) as the API gives it."""
    figures = slo.figures(now)
    return {
        "id": slo.pk,
        "name": slo.name,
        "slug": slo.slug,
        "service": slo.service_slug,
        "target": float(slo.target),
        "window": slo.window,
        "window_kind": slo.window_kind,
        "period": figures["period"],
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
        "error_ratios": figures["error_ratios"],
        "alert_states": figures["alert_states"],
        "incidents": slo.incident_shares,
        "url": pk_url("slos:detail", slo.pk),  # its get_absolute_url(), reversed once
    }


def _iso(value):
    return value.isoformat() if value else None


API_PAGE_SIZE = 100


@api_view
def slo_list(request):
    """{"slos": [...], "count", "next", "previous"}: one page (?page=N, ?page_size=M up to
    API_MAX_PAGE_SIZE as every API list, 100 by default); next and previous are URLs, null at
    the ends."""
    try:
        size = min(settings.API_MAX_PAGE_SIZE,
                   max(1, int(request.GET.get("page_size", API_PAGE_SIZE))))
        number = max(1, int(request.GET.get("page", 1)))
    except ValueError:
        return JsonResponse({"error": "page and page_size must be whole numbers"}, status=400)
    # The count, the page and its SLOs' incident shares in one round trip.
    paginator = Paginator((), size)
    paginator.count, listed = ListedSLO.page_of(run(*ListedSLO.page_statements(
        min(number, MAX_PAGE), size)))
    if number > paginator.num_pages:
        return JsonResponse({"error": f"no page {number}: there are {paginator.num_pages}"},
                            status=404)
    page = paginator.page(number)
    now = timezone.now()

    def link(to):
        query = request.GET.copy()
        query["page"] = to
        return request.build_absolute_uri(f"{request.path}?{query.urlencode()}")

    return JsonResponse({
        "count": paginator.count,
        "next": link(page.next_page_number()) if page.has_next() else None,
        "previous": link(page.previous_page_number()) if page.has_previous() else None,
        "slos": [as_json(slo, now) for slo in listed],
    })


@api_view
def slo_detail(request, pk):
    listed = ListedSLO.of(SLO.objects.filter(pk=pk).for_lists(), incident_shares=True)
    if not listed:
        raise Http404("No SLO matches the given query.")
    return JsonResponse(as_json(listed[0], timezone.now()))


@api_view
def slo_gate(request, pk):
    return JsonResponse(get_object_or_404(SLO.objects.for_panels(), pk=pk).gate())


@api_view
def service_gate(request, slug):
    """Risky changes to a service may ship only if every one of its SLOs allows them."""
    service = get_object_or_404(Service, slug=slug)
    return JsonResponse(SLO.objects.service_gate(service))
