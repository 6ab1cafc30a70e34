import hmac

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.http import HttpResponse, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from config import health
from config.metrics import exposition


@login_not_required
@require_GET
@never_cache
def healthz(request):
    checks = health.run_checks()
    healthy = all(check["ok"] for check in checks.values())
    if not health.may_see_details(request):
        checks = health.without_details(checks)
    return JsonResponse(
        {"status": "ok" if healthy else "unavailable", "checks": checks},
        status=200 if healthy else 503,
    )


@login_not_required
@require_GET
@never_cache
def metrics(request):
    if not settings.METRICS_TOKEN and not settings.METRICS_PUBLIC:
        return HttpResponse("/metrics is closed: set METRICS_TOKEN (and send it as a bearer "
                            "token) or METRICS_PUBLIC=1.\n", status=403,
                            content_type="text/plain")
    if settings.METRICS_TOKEN:
        expected = f"Bearer {settings.METRICS_TOKEN}"
        given = request.headers.get("Authorization", "")
        if not hmac.compare_digest(given.encode(), expected.encode()):
            response = HttpResponse("A bearer token is required.\n", status=401,
                                    content_type="text/plain")
            response["WWW-Authenticate"] = 'Bearer realm="metrics"'
            return response
    body, content_type = exposition()
    return HttpResponse(body, content_type=content_type)

