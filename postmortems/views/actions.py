"""Action items: add/edit, and the tracker across all incidents (filters, counts, CSV)."""

import csv
import functools
import io
from dataclasses import replace

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import BigIntegerField, F, IntegerField
from django.http import HttpResponseRedirect, StreamingHttpResponse
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_GET, require_http_methods

from config.paging import page_number
from postmortems import tracker_rows
from postmortems.forms import ActionFilterForm, ActionItemForm
from postmortems.models import ActionItem, Incident, Postmortem
from postmortems.models.actions import table_items, today_utc
from postmortems.permissions import editable_action_items, require_edit
from postmortems.revisions.concurrency import save_or_conflict
from postmortems.statements import Given, run
from postmortems.views import is_htmx, safe_next
from postmortems.views.editor import render_section

PAGE_SIZE = 50
CSV_COLUMNS = ["incident", "priority", "action", "owner", "due", "ticket", "status", "orphaned",
               "orphan_reason", "overdue"]


def csv_cell(value):
    """Spreadsheets run cells starting with = + - @ as formulas: quote them."""
    value = "" if value is None else str(value)
    return f"'{value}" if value[:1] in ("=", "+", "-", "@", "\t", "\r") else value


@require_http_methods(["GET", "POST"])
def action_add(request, pk):
    incident = get_object_or_404(Incident, pk=pk)
    require_edit(request.user, incident)
    form = ActionItemForm(request.POST or None, prefix="action", incident=incident)
    postmortem = Postmortem.objects.filter(incident=incident).select_related("incident").first()
    in_editor = is_htmx(request) and postmortem is not None
    if request.method == "POST" and form.is_valid():
        item = form.save_versioned(request.user)
        if in_editor:
            return render_section(request, postmortem, "actions")
        messages.success(request, f"Action item added: {item.text}")
        return HttpResponseRedirect(safe_next(request, incident.get_absolute_url() + "#actions"))
    if in_editor and request.method == "POST":
        return render_section(request, postmortem, "actions", status=400, action_form=form)
    return render(request, "postmortems/action_form.html", {
        "form": form, "incident": incident, "title": "New action item",
        "next": safe_next(request, ""),
    }, status=400 if request.method == "POST" else 200)


@require_http_methods(["GET", "POST"])
def action_edit(request, pk):
    """An action item on a page of its own, or (htmx, from the postmortem editor) in place of
    its row: saved, the editor's actions section answers and the row is read from it."""
    item = get_object_or_404(ActionItem.objects.select_related("incident"), pk=pk)
    require_edit(request.user, item)
    form = ActionItemForm(request.POST or None, instance=item, prefix="action",
                          incident=item.incident)
    postmortem = (Postmortem.objects.filter(incident=item.incident_id)
                  .select_related("incident").first() if is_htmx(request) else None)
    if request.method == "POST" and form.is_valid():
        in_place = {"template": "revisions/conflict_body.html",
                    "context": {"hx_target": "#body-actions"}} if postmortem else {}
        if (conflict := save_or_conflict(request, form, **in_place)) is not None:
            if postmortem:  # theirs beside yours, in place of the section
                conflict["HX-Retarget"] = "#body-actions"
                conflict["HX-Reswap"] = "innerHTML"
                conflict["HX-Reselect"] = "[data-testid=conflict]"
            return conflict
        if postmortem:
            return render_section(request, postmortem, "actions")
        messages.success(request, f"Action item saved: {item.text}")
        return HttpResponseRedirect(safe_next(request, item.get_absolute_url()))
    status = 400 if request.method == "POST" else 200
    if postmortem:
        form.fields["text"].widget.attrs["autofocus"] = True
        return render(request, "postmortems/editor/action_row_form.html",
                      {"form": form, "item": item}, status=status)
    return render(request, "postmortems/action_form.html", {
        "form": form, "incident": item.incident, "item": item, "title": "Edit action item",
        "next": safe_next(request, ""),
    }, status=status)


def filter_choices(form):
    """The filter form's choices as plain values (a service by its id), the empty left out."""
    data = form.cleaned_data if form.is_valid() else {}
    return {key: getattr(value, "pk", value) for key, value in data.items() if value}


def filtered_items(items, choices, user_pk, today=None):
    """``items`` (ActionItem.objects read as the page or the CSV needs them) filtered and
    ordered as the filter form's ``choices`` say ("mine": of the user ``user_pk``; overdue as
    of ``today``, by default today in UTC)."""
    status = choices.get("status")
    if status == "active":
        items = items.open()
    elif status:
        items = items.filter(status=status)
    if choices.get("owner") == "mine":
        items = items.filter(owner=user_pk)
    if choices.get("priority"):
        items = items.filter(priority=choices["priority"])
    if choices.get("service"):
        items = items.filter(incident__services=choices["service"])
    # The rules themselves, not the annotations: the planner then reads the open items'
    # due index (postmortems_action_open_due) in the page's order.
    if choices.get("orphaned"):
        items = items.filter(items.orphan_condition())
    if choices.get("overdue"):
        items = items.filter(items.overdue_condition(today))
    sort = choices.get("sort") or "due"
    if sort == "-due":
        order = [F("due").desc(nulls_last=True), "priority", "pk"]
    elif sort == "priority":
        order = ["priority", F("due").asc(nulls_last=True), "pk"]
    else:
        order = [F("due").asc(nulls_last=True), "priority", "pk"]
    return items.order_by(*order)


# What a page's statement is given when it runs: it is compiled once per filter and planned
# once per database session, whichever user, service or page.
USER, SERVICE = Given("user", IntegerField()), Given("service", IntegerField())
OFFSET = Given("offset", BigIntegerField())


@functools.lru_cache(maxsize=512)
def page_statement(today, choices):
    """The tracker's rows (tracker_rows) of a page, as the filter ``choices`` (sorted pairs,
    True for a service: its id is given) say, as of ``today``, as a statement given the
    user ("mine"), the service and the page's offset when it runs: compiled once per filter
    and process (at most 512 kept), for compiling it and making ~150 model objects of its
    rows took ~1.5 of the page's ~6 ms of CPU."""
    choices = dict(choices)
    if "service" in choices:
        choices["service"] = SERVICE
    items = filtered_items(table_items(today, with_incident=True), choices, USER, today)
    first = tracker_rows.statement(items[:PAGE_SIZE])  # its SQL ends in LIMIT
    return replace(first, sql=f"{first.sql} OFFSET %s", params=(*first.params, OFFSET))


def page_rows_statement(choices, user, today, number):
    """page_statement for the page ``number`` (1, 2, …) of the filter ``choices``."""
    shape = tuple(sorted((key, True if key == "service" else value)
                         for key, value in choices.items()))
    return page_statement(today, shape).given(user=user.pk, service=choices.get("service"),
                                              offset=(number - 1) * PAGE_SIZE)


def requested_page(request):
    """The page number asked for (1 when none, not a number or below 1; the paginator keeps
    it within the pages there are)."""
    return max(page_number(request.GET.get("page")), 1)


def counted_total(choices, counts):
    """How many items the list shows, when its filter is one that filter_counts counted (no
    filter, or a single status, priority, "mine", orphaned or overdue); else None."""
    chosen = [(key, value) for key, value in choices.items() if key != "sort"]
    if not chosen:
        return counts["all"]
    if len(chosen) > 1:
        return None
    ((key, value),) = chosen
    if key in ("status", "priority"):
        return counts[value]
    return counts.get({"owner": "mine"}.get(key, key))


@require_GET
def action_list(request):
    form = ActionFilterForm(request.GET or None)
    choices, today, asked = filter_choices(form), today_utc(), requested_page(request)
    # The counts, the page asked for and the services to filter by in one round trip.
    counts, rows, services = run(ActionItem.objects.filter_counts_statement(request.user),
                                 page_rows_statement(choices, request.user, today, asked),
                                 form.services_statement(), prepared=True)
    form.show_services(services)
    counts = ActionItem.objects.filter_counts_from(counts)
    total = counted_total(choices, counts)
    if total is None:  # a filter the counts do not hold: counted by the database
        total = filtered_items(table_items(today, with_incident=True), choices,
                               request.user.pk, today).count()
    # The page's rows are read by their statement: the paginator numbers the pages only.
    paginator = Paginator(range(total), PAGE_SIZE)
    page = paginator.get_page(asked)
    if page.number != asked:  # past the last page: the last one
        (rows,) = run(page_rows_statement(choices, request.user, today, page.number),
                      prepared=True)
    page.object_list = rows
    editable = editable_action_items(request.user, page.object_list)
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "postmortems/action_list.html", {
        "form": form, "page": page, "editable": editable, "counts": counts,
        "query": query.urlencode(), "filtered_total": paginator.count,
    })


CSV_FIELDS = ["incident_id", "incident__title", "priority", "text", "owner__username",
              "owner_name", "due", "ticket", "status", "is_orphaned", "orphan_reason",
              "is_overdue"]
CSV_ROWS_PER_CHUNK = 1000


def csv_lines(items, rows_per_chunk=None):
    """The header, then the items as CSV, a chunk of lines at a time: plain values from the
    database (no model objects), fetched in chunks through a server-side cursor, so memory
    stays constant. Chunks, not single lines: each piece sent is compressed and flushed on its
    own (GZipMiddleware), which for 50,000 one-line pieces cost more than building them."""
    rows_per_chunk = rows_per_chunk or CSV_ROWS_PER_CHUNK
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(CSV_COLUMNS)
    rows = items.values_list(*CSV_FIELDS).iterator(chunk_size=2000)
    for count, (incident_id, title, priority, text, username, owner_name, due, ticket, status,
                orphaned, reason, overdue) in enumerate(rows, 1):
        writer.writerow((
            csv_cell(f"#{incident_id} {title}"), priority, csv_cell(text),
            csv_cell(username or owner_name), due.isoformat() if due else "", csv_cell(ticket),
            status, "yes" if orphaned else "no", reason, "yes" if overdue else "no",
        ))
        if count % rows_per_chunk == 0:
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue()


@require_GET
def action_csv(request):
    items = filtered_items(ActionItem.objects.with_flags(),
                           filter_choices(ActionFilterForm(request.GET or None)), request.user.pk)
    response = StreamingHttpResponse(csv_lines(items),
                                     content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="action-items.csv"'
    return response
