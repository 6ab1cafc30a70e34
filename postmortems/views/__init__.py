"""Thin function views, one module per page family."""


def is_htmx(request):
    return request.headers.get("HX-Request") == "true"
