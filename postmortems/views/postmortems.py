"""The postmortem editor: document, timeline (htmx or plain posts), 5 whys, factors, state."""

from django.contrib import messages
from django.db import transaction
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from postmortems import blameless, recurring
from postmortems.documents.export import export_markdown
from postmortems.forms import (
    ActionItemForm,
    ContributingFactorForm,
    QuickPostmortemForm,
    StandardPostmortemForm,
    StartPostmortemForm,
    TimelineEntryForm,
    TimelinePasteForm,
    WhyForm,
)
from postmortems.models import (
    ActionItem,
    ContributingFactor,
    Incident,
    Postmortem,
    PublishBlocked,
    Why,
)
from postmortems.permissions import can_edit, require_edit
from postmortems.revisions.concurrency import (
    delete_versioned,
    save_or_conflict,
)

BLAMELESS_FIELDS = ["executive_summary", "impact_notes", "what_happened", "trigger",
                    "detection", "resolution", "root_cause_sentence", "text", "question",
                    "answer"]


def document_form_class(postmortem):
    if postmortem.template == Postmortem.Template.QUICK:
        return QuickPostmortemForm
    return StandardPostmortemForm


def get_postmortem(incident_pk):
    return get_object_or_404(
        Postmortem.objects.select_related("incident", "incident__owner"), incident_id=incident_pk
    )


def editor_url(postmortem, anchor=""):
    url = reverse("postmortems:postmortem_edit", args=[postmortem.incident_id])
    return f"{url}#{anchor}" if anchor else url


def timeline_context(postmortem, **extra):
    return {
        "postmortem": postmortem,
        "timeline": postmortem.timeline_rows(),
        "entry_form": extra.pop("entry_form", None) or TimelineEntryForm(
            prefix="entry", initial={"at": postmortem.incident.started_at}),
        "paste_form": extra.pop("paste_form", None) or TimelinePasteForm(prefix="paste"),
        "people": extra.pop("people", None) or blameless.known_people(),
        **extra,
    }


def editor_context(request, postmortem, **forms):
    """Everything the editor page shows: a fixed number of queries, whatever the row counts."""
    incident = postmortem.incident
    people = blameless.known_people()
    whys = list(postmortem.whys.all())
    factors = list(postmortem.factors.all())
    items = (ActionItem.objects.filter(incident=incident).with_flags()
             .select_related("owner", "addresses_why", "addresses_factor"))
    return {
        "incident": incident,
        "postmortem": postmortem,
        "document_form": forms.get("document_form") or document_form_class(postmortem)(
            instance=postmortem),
        "whys": whys,
        "factors": factors,
        "why_form": forms.get("why_form") or WhyForm(
            prefix="why", initial={"question": "Why?"}),
        "factor_form": forms.get("factor_form") or ContributingFactorForm(prefix="factor"),
        "action_form": forms.get("action_form") or ActionItemForm(
            prefix="action", incident=incident),
        "items": items,
        "similar": recurring.similar_incidents(postmortem),
        "blameless_fields": BLAMELESS_FIELDS,
        **timeline_context(postmortem, people=people, **{
            key: value for key, value in forms.items()
            if key in ("entry_form", "paste_form", "paste_errors", "key_time_error")
        }),
    }


def render_editor(request, postmortem, status=200, **forms):
    return render(request, "postmortems/postmortem_edit.html",
                  editor_context(request, postmortem, **forms), status=status)


# --- The document ----------------------------------------------------------------------------

@require_POST
def postmortem_start(request, pk):
    incident = get_object_or_404(Incident, pk=pk)
    require_edit(request.user, incident)
    form = StartPostmortemForm(request.POST)
    template = form.cleaned_data["template"] if form.is_valid() else Postmortem.Template.STANDARD
    postmortem, created = Postmortem.objects.get_or_create(
        incident=incident, defaults={"template": template, "author": request.user}
    )
    if created:
        messages.success(request, f"{postmortem.get_template_display()} postmortem started.")
    return redirect(editor_url(postmortem))


@require_http_methods(["GET", "POST"])
def postmortem_edit(request, pk):
    postmortem = get_postmortem(pk)
    if request.method == "POST":
        require_edit(request.user, postmortem)
        form = document_form_class(postmortem)(request.POST, instance=postmortem)
        if form.is_valid():
            if (conflict := save_or_conflict(request, form)) is not None:
                return conflict
            messages.success(request, "Postmortem saved.")
            return redirect(editor_url(postmortem, "document"))
        return render_editor(request, postmortem, status=400, document_form=form)
    if not can_edit(request.user, postmortem):
        # Readers get the document, not a page of forms they cannot submit.
        messages.info(request, "You can read this postmortem; changing it needs the editor role.")
        return redirect("postmortems:postmortem_print", pk=postmortem.incident_id)
    return render_editor(request, postmortem)


@require_POST
def postmortem_switch(request, pk):
    postmortem = get_postmortem(pk)
    require_edit(request.user, postmortem)
    postmortem.switch_to_standard()
    messages.success(request, "Switched to the standard template; nothing was lost.")
    return redirect(editor_url(postmortem))


@require_POST
def postmortem_state(request, pk):
    postmortem = get_postmortem(pk)
    require_edit(request.user, postmortem)
    action = request.POST.get("action")
    if action == "publish":
        try:
            postmortem.publish()
        except PublishBlocked as blocked:
            messages.error(request, str(blocked))
        else:
            messages.success(request, "Postmortem published.")
    elif action == "review":
        postmortem.submit_for_review()
        messages.success(request, "Postmortem sent for review.")
    elif action == "draft":
        postmortem.return_to_draft()
        messages.success(request, "Postmortem back to draft.")
    else:
        messages.error(request, "Unknown action: choose review, publish or draft.")
        return redirect(editor_url(postmortem))
    return redirect(editor_url(postmortem))


@require_GET
def postmortem_export(request, pk):
    postmortem = get_postmortem(pk)
    response = HttpResponse(export_markdown(postmortem),
                            content_type="text/markdown; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="postmortem-{pk}.md"'
    return response


@require_GET
def postmortem_print(request, pk):
    postmortem = get_postmortem(pk)
    items = (ActionItem.objects.filter(incident_id=pk).with_flags()
             .select_related("owner").order_by("pk"))
    return render(request, "postmortems/postmortem_print.html", {
        "postmortem": postmortem, "incident": postmortem.incident,
        "timeline": postmortem.timeline_rows(), "whys": postmortem.whys.all(),
        "factors": postmortem.factors.all(), "items": items,
    })


@require_GET
def blameless_check(request):
    """The inline hint while writing (htmx): any query value is checked."""
    text = "\n".join(value for key, value in request.GET.items() if key != "field")
    return render(request, "postmortems/partials/blameless_hints.html",
                  {"findings": blameless.check(text, blameless.known_people())})


# --- 5 whys and contributing factors ---------------------------------------------------------

@require_POST
def why_add(request, pk):
    postmortem = get_postmortem(pk)
    require_edit(request.user, postmortem)
    form = WhyForm(request.POST, prefix="why")
    if not form.is_valid():
        return render_editor(request, postmortem, status=400, why_form=form)
    form.instance.postmortem = postmortem
    form.save_versioned(request.user)  # at the end of the chain (Why.objects.append)
    return redirect(editor_url(postmortem, "whys"))


@require_http_methods(["GET", "POST"])
def why_edit(request, pk):
    why = get_object_or_404(Why.objects.select_related("postmortem__incident"), pk=pk)
    postmortem = why.postmortem
    if request.method == "POST":
        require_edit(request.user, postmortem)
    form = WhyForm(request.POST or None, instance=why, prefix="why")
    if request.method == "POST" and form.is_valid():
        if (conflict := save_or_conflict(request, form)) is not None:
            return conflict
        return redirect(editor_url(postmortem, "whys"))
    return render(request, "postmortems/row_edit.html", {
        "form": form, "postmortem": postmortem, "title": f"Edit why {why.position}",
    }, status=400 if request.method == "POST" else 200)


@require_POST
def why_delete(request, pk):
    why = get_object_or_404(Why.objects.select_related("postmortem"), pk=pk)
    postmortem = why.postmortem
    require_edit(request.user, postmortem)
    with transaction.atomic():
        delete_versioned(why, None)
        Why.objects.renumber(postmortem)  # the chain reads 1, 2, 3 … again
    messages.success(request, "Why deleted (it stays in the history).")
    return redirect(editor_url(postmortem, "whys"))


@require_POST
def factor_add(request, pk):
    postmortem = get_postmortem(pk)
    require_edit(request.user, postmortem)
    form = ContributingFactorForm(request.POST, prefix="factor")
    if not form.is_valid():
        return render_editor(request, postmortem, status=400, factor_form=form)
    form.instance.postmortem = postmortem
    form.save_versioned(request.user)  # at the end of the list (locked append)
    return redirect(editor_url(postmortem, "whys"))


@require_POST
def factor_delete(request, pk):
    factor = get_object_or_404(ContributingFactor.objects.select_related("postmortem"), pk=pk)
    postmortem = factor.postmortem
    require_edit(request.user, postmortem)
    delete_versioned(factor, None)
    messages.success(request, "Contributing factor deleted (it stays in the history).")
    return redirect(editor_url(postmortem, "whys"))
