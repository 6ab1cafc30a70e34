"""Data sources: list and edit. Secrets are write-only. Only admins create or change them:
a data source makes the server send requests (PROMETHEUS_ALLOWED_HOSTS bounds where)."""

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from accounts.roles import ADMIN, has_role, require_role
from slos.forms import DataSourceForm
from slos.models import DataSource


@require_GET
def data_sources(request):
    return render(request, "slos/data_sources.html",
                  {"sources": DataSource.objects.all(),
                   "can_change": has_role(request.user, ADMIN)})


@require_http_methods(["GET", "POST"])
def data_source_edit(request, pk=None):
    require_role(request.user, ADMIN)
    source = get_object_or_404(DataSource, pk=pk) if pk else DataSource()
    form = DataSourceForm(request.POST or None, instance=source)
    if request.method == "POST" and form.is_valid():
        source = form.save()
        messages.success(request, f"Saved data source “{source.name}”.")
        return redirect("slos:data_sources")
    return render(request, "slos/data_source_form.html", {"form": form, "source": source})
