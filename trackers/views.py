"""Tracker pages: the connections (everyone reads, admins change: the server calls the URL
they give) and an action item's ticket (whoever may edit the item creates or links one)."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.roles import ADMIN, has_role, require_role
from postmortems.models import ActionItem
from postmortems.permissions import require_edit
from postmortems.views import safe_next
from trackers import crypto, sync
from trackers.forms import LinkTicketForm, TrackerConnectionForm
from trackers.models import TicketLink, TrackerConnection


@require_GET
def connection_list(request):
    connections = TrackerConnection.objects.prefetch_related("service_links__service")
    return render(request, "trackers/connections.html", {
        "connections": connections, "can_change": has_role(request.user, ADMIN),
        "key_missing": None if crypto.configured() else crypto.MISSING_KEY_MESSAGE,
    })


@require_http_methods(["GET", "POST"])
def connection_edit(request, pk=None):
    require_role(request.user, ADMIN)
    connection = get_object_or_404(TrackerConnection, pk=pk) if pk else TrackerConnection()
    form = TrackerConnectionForm(request.POST or None, instance=connection)
    if request.method == "POST" and form.is_valid():
        connection = form.save()
        messages.success(request, f"Saved tracker “{connection.name}”.")
        return redirect("trackers:connections")
    return render(request, "trackers/connection_form.html", {
        "form": form, "connection": connection,
        "key_missing": None if crypto.configured() else crypto.MISSING_KEY_MESSAGE,
    }, status=400 if request.method == "POST" else 200)


@require_POST
def connection_delete(request, pk):
    require_role(request.user, ADMIN)
    connection = get_object_or_404(TrackerConnection, pk=pk)
    count = connection.tickets.count()
    connection.delete()
    messages.success(request, f"Deleted tracker “{connection.name}”; {count} linked "
                              f"ticket{'s' if count != 1 else ''} keep their key on the item.")
    return redirect("trackers:connections")


def _item(request, pk):
    item = get_object_or_404(ActionItem.objects.select_related("incident", "owner"), pk=pk)
    require_edit(request.user, item)
    return item


@require_GET
def ticket(request, pk):
    item = _item(request, pk)
    link = TicketLink.objects.filter(item=item).select_related("connection").first()
    connection = None
    if link is None and crypto.configured():
        connection = TrackerConnection.objects.for_incident(item.incident)
    return render(request, "trackers/ticket.html", {
        "item": item, "link": link, "connection": connection,
        "form": LinkTicketForm(initial={"reference": item.ticket}),
        "key_missing": None if crypto.configured() else crypto.MISSING_KEY_MESSAGE,
        "next": safe_next(request, ""),
    })


@require_POST
def ticket_create(request, pk):
    item = _item(request, pk)
    try:
        sync.request_ticket(item, request.user, request=request)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, f"Creating a ticket for “{item.text}”: its key appears "
                                  "here once the tracker answered.")
    return HttpResponseRedirect(safe_next(request, item.get_absolute_url()))


@require_POST
def ticket_link(request, pk):
    item = _item(request, pk)
    form = LinkTicketForm(request.POST)
    if form.is_valid():
        try:
            link = sync.link_existing(item, form.cleaned_data["reference"], request.user)
        except ValidationError as exc:
            form.add_error("reference", exc)
        else:
            messages.success(request, f"Linked {link.key} ({link.state_name}).")
            return HttpResponseRedirect(safe_next(request, item.get_absolute_url()))
    return render(request, "trackers/ticket.html", {
        "item": item, "link": None, "form": form,
        "connection": TrackerConnection.objects.for_incident(item.incident)
        if crypto.configured() else None,
        "key_missing": None if crypto.configured() else crypto.MISSING_KEY_MESSAGE,
        "next": safe_next(request, ""),
    }, status=400)


@require_POST
def ticket_unlink(request, pk):
    item = _item(request, pk)
    deleted, _ = TicketLink.objects.filter(item=item).delete()
    if deleted:
        messages.success(request, "Ticket unlinked: its state no longer follows the tracker "
                                  "(the key stays in the item's ticket field).")
    return HttpResponseRedirect(safe_next(request, item.get_absolute_url()))
