"""SLO pages: dashboard, SLO panel, form, import/export, rules. Thin function views."""


from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.roles import ADMIN, EDITOR, has_role, require_role
from config import queue
from config.paging import page_number
from postmortems.revisions.concurrency import Conflict, conflict_response
from postmortems.statements import run
from slos import budget, chart, definitions, editing, impacts, panel, rules
from slos.formats import choice
from slos.forms import ImportForm, SLOForm
from slos.models import SLO, ListedSLO
from slos.tasks import poll_one

DASHBOARD_PAGE_SIZE = 50


@require_GET
def dashboard(request):
    now = timezone.now()
    asked = request.GET.get("page")
    # The count and the page asked for in one round trip; past the last page (or before the
    # first), the page the paginator gives instead is read in a second.
    guessed = _page_number(asked)
    paginator = Paginator((), DASHBOARD_PAGE_SIZE)
    paginator.count, listed = ListedSLO.page_of(run(*ListedSLO.page_statements(
        guessed, DASHBOARD_PAGE_SIZE, incident_shares=False)))
    page = paginator.get_page(asked)
    if page.number != guessed:
        _count, listed = ListedSLO.page_of(run(*ListedSLO.page_statements(
            page.number, DASHBOARD_PAGE_SIZE, incident_shares=False)))
    return render(request, "slos/dashboard.html", {
        "rows": [(slo, slo.figures(now)) for slo in listed], "page": page,
        "query": "",
        "can_edit": has_role(request.user, EDITOR)})


def _page_number(asked):
    """The page ``asked`` (a query string's value) is, when it is a whole number from 1."""
    return max(1, page_number(asked))


@require_GET
def detail(request, pk):
    now = timezone.now()
    read = panel.read(pk, now)
    if read is None:
        raise Http404("No SLO matches the given query.")
    slo, start, impact_rows, points = read
    figures = slo.figures(now)
    incidents = impacts.in_window(impact_rows, start, now)
    marks = [(item["started_at"], item["ended_at"], item["title"]) for item in incidents]
    alerts = slo.alert_rows()
    burn_rows = [
        {"window": w, "burn": figures["burn_rates"][w],
         "alerts": [a for a in alerts if w in (a["long_window"], a["short_window"])]}
        for w in budget.BURN_WINDOWS
    ]
    return render(request, "slos/detail.html", {
        "slo": slo, "figures": figures, "gate": slo.gate(now, figures), "burn_rows": burn_rows,
        "alerts": alerts, "downtime": slo.downtime_table(),
        "chart": chart.burn_down(points, start, now, marks), "incidents": incidents,
        "window_start": start, "can_edit": has_role(request.user, EDITOR),
        "rules_problem": rules.problem_for(slo),
    })


@require_http_methods(["GET", "POST"])
def create(request):
    return _edit(request, SLO())


@require_http_methods(["GET", "POST"])
def edit(request, pk):
    return _edit(request, get_object_or_404(SLO, pk=pk))


def _edit(request, slo):
    require_role(request.user, EDITOR)
    form = SLOForm(request.POST or None, instance=slo)
    if request.method == "POST" and form.is_valid():
        try:
            # The values as the model's clean() left them ([28d] written as [$window]).
            values = {name: getattr(form.instance, name) for name in form.versioned_values()}
            slo, notes = editing.save(slo, values,
                                      form.cleaned_data.get("version"), user=request.user,
                                      reason="changed on its form", form=form)
        except ValidationError as refused:  # Prometheus refused an expression
            form.add_error(None, refused)
        except Conflict as conflict:
            return conflict_response(request, conflict)
        else:
            messages.success(request, f"Saved “{slo.name}”.")
            for note in notes:
                messages.warning(request, note)
            return redirect(slo)
    return render(request, "slos/form.html", {"form": form, "slo": slo})


@require_POST
def delete(request, pk):
    require_role(request.user, ADMIN)
    slo = get_object_or_404(SLO, pk=pk)
    slo.delete()
    messages.success(request, f"Deleted “{slo.name}” and its history. Regenerate the "
                              "Prometheus rules to drop its recording rules.")
    return redirect("slos:dashboard")


@require_POST
def poll_now(request, pk):
    require_role(request.user, EDITOR)
    slo = get_object_or_404(SLO, pk=pk)
    if queue.send(poll_one, slo.pk):
        messages.info(request, "A poll was queued; reload in a few seconds.")
    else:
        messages.warning(request, queue.NOT_SENT_MESSAGE)
    return redirect(slo)


@require_http_methods(["GET", "POST"])
def import_slos(request):
    require_role(request.user, EDITOR)
    form = ImportForm(request.POST or None, request.FILES or None)
    errors = []
    if request.method == "POST" and form.is_valid():
        try:
            read_as, saved = choice.import_text(
                form.cleaned_data["yaml"], form.cleaned_data["format"],
                default_service=form.cleaned_data["service"])
        except definitions.ImportRefused as refused:
            errors = refused.errors
        else:
            messages.success(
                request, f"Imported {len(saved)} SLO(s) as {choice.FORMATS[read_as]}: "
                + "; ".join(f"{slo.name} into {slo.service.name} ({slo.service_reason})"
                            for slo in saved))
            return redirect("slos:dashboard")
    refused = errors or (request.method == "POST" and form.errors)
    return render(request, "slos/import.html", {"form": form, "errors": errors},
                  status=400 if refused else 200)


@require_GET
def export(request):
    response = HttpResponse(definitions.export(SLO.objects.select_related("service")),
                            content_type="application/yaml; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="slos.yml"'
    return response


@require_GET
def rules_yml(request):
    return HttpResponse(rules.to_yaml(SLO.objects.select_related("service")),
                        content_type="text/plain; charset=utf-8")
