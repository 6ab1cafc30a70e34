"""Thin function views, one module per page family; the two request rules they share."""

from django.utils.http import url_has_allowed_host_and_scheme


def is_htmx(request):
    """The request comes from htmx (it wants a fragment, not a page)."""
    return request.headers.get("HX-Request") == "true"


def safe_next(request, default):
    """The ``next`` the request names (POST, then GET) when it is a path on this site, else
    ``default``: never another site, a scheme such as javascript:, or a view name."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target.startswith("/") and url_has_allowed_host_and_scheme(
            target, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        return target
    return default
