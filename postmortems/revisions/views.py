"""History pages (per postmortem, per action item) and restoring a deleted object."""

from django.apps import apps
from django.contrib import messages
from django.db import IntegrityError
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from postmortems.models import (
    ActionItem,
    EditConflict,
    Incident,
    Postmortem,
)
from postmortems.permissions import can_edit, in_trash, postmortem_of, require_edit
from postmortems.revisions import history, reopen
from postmortems.revisions.concurrency import conflict_response, restore_deleted
from postmortems.views import safe_next


@require_GET
def postmortem_history(request, incident_id):
    postmortem = get_object_or_404(Postmortem.objects.select_related("incident"),
                                   incident_id=incident_id)
    return render(request, "revisions/postmortem.html", {
        "postmortem": postmortem, "incident": postmortem.incident,
        "can_edit": can_edit(request.user, postmortem),
        **history.history_of_postmortem(postmortem),
    })


@require_GET
def action_item_history(request, item_id):
    found = history.history_of_action_item(item_id)
    if found["last"] is None:
        raise Http404("No such action item.")
    item = ActionItem.objects.filter(pk=item_id).select_related("incident").first()
    incident_id = found["last"].incident_id
    if item is None and Incident.all_objects.in_trash().filter(pk=incident_id).exists():
        raise Http404("No such action item.")  # its incident is in the trash
    postmortem = Postmortem.objects.filter(incident_id=incident_id).first()
    return render(request, "revisions/action_item.html", {
        "item": item, "last": found["last"], "incident_id": incident_id,
        "postmortem": postmortem,
        "can_edit": can_edit(request.user, item or found["last"].instance), **found,
    })


@require_GET
def conflict_reopen(request, pk):
    """A refused edit, reopened from the history as a merge: theirs beside yours, the form."""
    record = get_object_or_404(EditConflict.objects.select_related("user"), pk=pk)
    target = reopen.target_of(record)
    if target is None:
        messages.error(request, f"{record.object_label} no longer exists: restore it from the "
                       "history first.")
        return HttpResponseRedirect(reverse("home"))
    require_edit(request.user, target)
    found = reopen.reopened(record, target)
    if found is None:
        raise Http404("This kind of edit cannot be reopened as a merge.")
    conflict, form, url = found
    postmortem = postmortem_of(target)
    back = (reverse("revisions:postmortem_history", args=[postmortem.incident_id])
            if postmortem is not None else reverse("home"))
    response = conflict_response(request, conflict, form=form,
                                 context={"action": url, "back": back, "reopened": record})
    response.status_code = 200
    return response


@require_POST
def conflict_discard(request, pk):
    """"Keep theirs, drop mine": the refused edit is closed as discarded (it stays on record)."""
    conflict = get_object_or_404(EditConflict, pk=pk)
    try:
        model_class = apps.get_model(conflict.model)
    except LookupError:
        raise Http404("Unknown kind of object.") from None
    target = model_class._default_manager.filter(pk=conflict.object_id).first()
    if target is not None:
        require_edit(request.user, target)
    if conflict.user_id != request.user.pk:
        raise Http404("Not your edit.")
    EditConflict.objects.filter(pk=conflict.pk, outcome=EditConflict.Outcome.PENDING).update(
        outcome=EditConflict.Outcome.DISCARDED)
    return HttpResponseRedirect(safe_next(request, reverse("home")), status=303)


@require_POST
def restore(request, model, history_id):
    """Bring back a deleted object from its last history row."""
    model_class = history.RESTORABLE.get(model)
    if model_class is None:
        raise Http404("Nothing of that kind can be restored.")
    record = get_object_or_404(model_class.history, history_id=history_id, history_type="-")
    instance = record.instance
    if in_trash(instance):
        raise Http404("What it belonged to is in the trash: restore that first.")
    require_edit(request.user, instance)
    try:
        restore_deleted(record)
    except IntegrityError:
        messages.error(request, "It cannot be restored: what it belonged to is gone too.")
    else:
        messages.success(request, f"Restored: {instance}.")
    postmortem = postmortem_of(instance)
    if model_class is ActionItem:
        url = reverse("revisions:action_item_history", args=[record.id])
    elif postmortem is not None:
        url = reverse("revisions:postmortem_history", args=[postmortem.incident_id])
    else:
        url = reverse("home")
    return HttpResponseRedirect(url, status=303)
