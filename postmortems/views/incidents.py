import functools

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models.expressions import RawSQL
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.functional import SimpleLazyObject
from django.views.decorators.http import require_GET, require_http_methods

from accounts.roles import EDITOR, require_role
from config.paging import page_number
from postmortems import blameless
from postmortems.documents.batch import import_files, import_uploads
from postmortems.forms import IncidentFilterForm, IncidentForm, StartPostmortemForm
from postmortems.models import ActionItem, Incident
from postmortems.models.actions import today_utc
from postmortems.models.incidents import ListedIncident
from postmortems.permissions import can_edit, require_edit
from postmortems.revisions.concurrency import save_or_conflict

PAGE_SIZE = 25


def filtered_incidents(form):
    """The incidents the filter form asks for, in the list's order (ids and sort keys only:
    the page's rows are read in full by Incident.objects.listed)."""
    incidents = Incident.objects.all()
    if not form.is_valid():
        return incidents
    data = form.cleaned_data
    incidents = incidents.search(data["q"])
    if data["severity"]:
        incidents = incidents.filter(severity=data["severity"])
    if data["status"]:
        incidents = incidents.filter(status=data["status"])
    if data["service"]:
        incidents = incidents.filter(services=data["service"])
    incidents = incidents.started_between(data["started_from"], data["started_to"])
    state = data["postmortem"]
    if state == "needed":
        incidents = incidents.needing_postmortem()
    elif state == "none":
        incidents = incidents.filter(postmortem__isnull=True)
    elif state:
        incidents = incidents.filter(postmortem__state=state)
    return incidents


@functools.lru_cache(maxsize=1)
def _listed_incidents():
    return Incident.objects.listed()


def _listed_page(incidents, number):
    """The page ``number`` of ``incidents`` (Paginator.get_page's rules: not a number is the
    first page, past the last or below 1 the last) with its rows (ListedIncident). A page
    that has rows is read with the count in one query, the count a subquery of the rows'
    query: a round trip less than the paginator's count first (on a loaded machine each
    waits for the database to be scheduled). Past the last page, the count comes first."""
    paginator = Paginator(incidents, PAGE_SIZE)
    number = page_number(number)
    # The rows' queryset is built once per process, each request filtering a copy (its
    # annotations and subqueries took ~0.8 ms of CPU to build on every load).
    listed = _listed_incidents()
    if number >= 1:
        sql, params = incidents.order_by().values("pk").query.sql_with_params()
        first = (number - 1) * PAGE_SIZE
        rows = list(listed.filter(pk__in=incidents[first:first + PAGE_SIZE].values("pk"))
                    .annotate(total=RawSQL(f"SELECT count(*) FROM ({sql}) counted", params)))
        if rows:
            paginator.count = rows[0][-1]  # the paginator's count, read with the rows
            page = paginator.page(number)
            page.object_list = [ListedIncident(*row[:-1]) for row in rows]
            return page
    page = paginator.get_page(number)
    page.object_list = [ListedIncident(*row) for row in
                        listed.filter(pk__in=page.object_list.values("pk"))
                        ] if paginator.count else []
    return page


@require_GET
def incident_list(request):
    form = IncidentFilterForm(request.GET or None)
    page = _listed_page(filtered_incidents(form), request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "postmortems/incident_list.html", {
        "form": form, "page": page, "query": query.urlencode(),
    })


@require_http_methods(["GET", "POST"])
def incident_create(request):
    require_role(request.user, EDITOR)
    form = IncidentForm(request.POST or None, initial={"owner": request.user})
    if request.method == "POST" and form.is_valid():
        incident = form.save()
        messages.success(request, f"Incident #{incident.pk} created.")
        return redirect(incident)
    status = 400 if request.method == "POST" else 200
    return render(request, "postmortems/incident_form.html",
                  {"form": form, "people": blameless.known_people()}, status=status)


@require_http_methods(["GET", "POST"])
def incident_edit(request, pk):
    incident = get_object_or_404(Incident, pk=pk)
    require_edit(request.user, incident)
    form = IncidentForm(request.POST or None, instance=incident)
    if request.method == "POST" and form.is_valid():
        if (conflict := save_or_conflict(request, form)) is not None:
            return conflict
        messages.success(request, "Incident saved.")
        return redirect(incident)
    status = 400 if request.method == "POST" else 200
    return render(request, "postmortems/incident_form.html", {
        "form": form, "incident": incident, "people": blameless.known_people(),
    }, status=status)


@functools.lru_cache(maxsize=1)
def _incidents_for_their_page():
    return Incident.objects.for_its_page()


@functools.lru_cache(maxsize=2)
def _items_for_the_table(today):
    return ActionItem.objects.for_table(today=today)


@require_GET
def incident_detail(request, pk):
    # The two querysets are built once per process (and day: the items' flags are as of
    # today), each request filtering a copy: their annotations, subqueries and column lists
    # took ~1.5 ms of CPU to build on every load.
    incident = get_object_or_404(_incidents_for_their_page().all(), pk=pk)
    postmortem = getattr(incident, "postmortem", None)  # read with the incident (one query)
    items = _items_for_the_table(today_utc()).filter(incident=incident)
    return render(request, "postmortems/incident_detail.html", {
        "incident": incident,
        "alert_groups": incident.alert_groups.all() if incident.has_alert_groups else (),
        "postmortem": postmortem,
        "items": items,
        "start_form": None if postmortem else StartPostmortemForm(),
        # The names are read only for a summary with a blame word in it (see blameless.check).
        "people": SimpleLazyObject(blameless.known_people),
        # Readers see the record without buttons they cannot use.
        "read_only": not can_edit(request.user, postmortem or incident),
    })


@require_http_methods(["GET", "POST"])
def incident_import(request):
    """One document (a file or pasted text), or many (several files, a folder, a .zip): each
    is imported on its own, all or nothing, and reported on."""
    require_role(request.user, EDITOR)
    if request.method == "GET":
        return render(request, "postmortems/incident_import.html", {})
    uploads = request.FILES.getlist("file") + request.FILES.getlist("folder")
    text = request.POST.get("text", "")
    if not uploads and not text.strip():
        return render(request, "postmortems/incident_import.html",
                      {"error": "Choose Markdown files (or a .zip) or paste the text."},
                      status=400)
    results = import_uploads(uploads, owner=request.user)
    if text.strip():
        results += import_files([("pasted text.md", text.encode("utf-8"))], owner=request.user)
    if len(results) == 1 and results[0].imported:
        imported = results[0]
        messages.success(request, f"Imported as incident #{imported.incident.pk}: "
                         + "; ".join(imported.report[1:]) + ".")
        return redirect(imported.incident)
    refused = [result for result in results if result.error]
    status = 200 if any(result.imported for result in results) else 400
    return render(request, "postmortems/incident_import.html",
                  {"results": results, "refused": refused}, status=status)
