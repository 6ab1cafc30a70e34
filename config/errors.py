"""Error pages that keep the site's look and say what to do next."""

from django.contrib.auth.decorators import login_not_required
from django.http import HttpResponseServerError
from django.shortcuts import render
from django.template import loader


@login_not_required
def permission_denied(request, exception=None):
    return render(request, "errors/403.html", status=403)


@login_not_required
def page_not_found(request, exception=None):
    return render(request, "errors/404.html", status=404)


@login_not_required
def server_error(request):
    # Rendered without a request context: the database may be what failed.
    return HttpResponseServerError(loader.get_template("errors/500.html").render())
