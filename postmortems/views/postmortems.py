"""The postmortem editor: document, timeline (htmx or plain posts), 5 whys, factors, state."""

from django.contrib import messages
from django.db import transaction
from django.http import HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from postmortems import blameless
from postmortems.documents.export import export_markdown
from postmortems.forms import (
    ContributingFactorForm,
    StartPostmortemForm,
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
from postmortems.views import is_htmx
from postmortems.views.editor import (
    document_form_class,
    editor_url,
    get_postmortem,
    render_editor,
    render_section,
    section_done,
)

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
    """The editor. A POST saves the document: from the page's button (redirect), in place
    (htmx: the document section) or by autosave (X-Autosave: a small JSON answer, the
    conflict page fragment on a stale save)."""
    postmortem = get_postmortem(pk, for_page=request.method == "GET")
    if request.method == "POST":
        require_edit(request.user, postmortem)
        autosave = request.headers.get("X-Autosave") == "1"
        form = document_form_class(postmortem)(request.POST, instance=postmortem)
        if form.is_valid():
            in_place = {"template": "revisions/conflict_body.html",
                        "context": {"hx_target": "#body-document"}} if is_htmx(request) else {}
            if (conflict := save_or_conflict(request, form, **in_place)) is not None:
                return conflict
            if autosave:
                return JsonResponse({"version": form.instance.version,
                                     "saved_at": form.instance.updated_at.isoformat()})
            return section_done(request, postmortem, "document", "Postmortem saved.")
        if autosave:
            return JsonResponse({"errors": {
                str(form.fields[name].label if name in form.fields else name): errors
                for name, errors in form.errors.items()}}, status=400)
        if is_htmx(request):
            return render_section(request, postmortem, "document", status=400,
                                  document_form=form)
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
    postmortem = get_postmortem(pk, for_page=True)
    items = (ActionItem.objects.filter(incident_id=pk).with_flags()
             .select_related("owner", "ticket_link").order_by("pk"))
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

def invalid_in_section(request, postmortem, key, **forms):
    """400 with the refused form: in its section (htmx), or the whole page."""
    if is_htmx(request):
        return render_section(request, postmortem, key, status=400, **forms)
    return render_editor(request, postmortem, status=400, **forms)


@require_POST
def why_add(request, pk):
    postmortem = get_postmortem(pk)
    require_edit(request.user, postmortem)
    form = WhyForm(request.POST, prefix="why")
    if not form.is_valid():
        return invalid_in_section(request, postmortem, "whys", why_form=form)
    form.instance.postmortem = postmortem
    form.save_versioned(request.user)  # at the end of the chain (Why.objects.append)
    return section_done(request, postmortem, "whys")


def _why(pk):
    return get_object_or_404(Why.objects.select_related("postmortem__incident"), pk=pk)


def why_row_response(request, why, status=200, form=None, moved_from=()):
    """One why, in place: its row, or (``form``) its edit form; the whys that lost the
    root-cause mark to it (``moved_from``) are swapped too (out of band)."""
    context = {"why": why, "postmortem": why.postmortem, "people": blameless.known_people()}
    if form is not None:
        return render(request, "postmortems/editor/why_form.html", {**context, "form": form},
                      status=status)
    response = render(request, "postmortems/editor/why_row.html", context, status=status)
    for other in Why.objects.filter(pk__in=moved_from):
        response.content += render(request, "postmortems/editor/why_row.html",
                                   {**context, "why": other, "oob": True}).content
    return response


@require_http_methods(["GET", "POST"])
def why_edit(request, pk):
    """A why edited in place (htmx: the why's row becomes its form, saved back into the row),
    or on a page of its own without JavaScript. The version rule holds; ticking "root cause"
    moves the mark here (one root cause per chain)."""
    why = _why(pk)
    postmortem = why.postmortem
    if request.method == "POST":
        require_edit(request.user, postmortem)
    form = WhyForm(request.POST or None, instance=why, prefix="why")
    if request.method == "POST" and form.is_valid():
        marked = list(Why.objects.filter(postmortem=postmortem, is_root_cause=True)
                      .exclude(pk=why.pk).values_list("pk", flat=True))
        in_place = {"template": "revisions/conflict_body.html",
                    "context": {"hx_target": "#body-whys"}} if is_htmx(request) else {}
        if (conflict := save_or_conflict(request, form, **in_place)) is not None:
            if is_htmx(request):  # theirs beside yours, in place of the chain
                conflict["HX-Retarget"] = "#body-whys"
                conflict["HX-Reswap"] = "innerHTML"
            return conflict
        if not is_htmx(request):
            return redirect(editor_url(postmortem, f"why-{why.pk}"))
        if request.headers.get("HX-Target") == "body-whys":  # a merge saved from the conflict
            return render_section(request, postmortem, "whys")
        why.refresh_from_db()
        moved = marked if why.is_root_cause else ()
        return why_row_response(request, why, moved_from=moved)
    status = 400 if request.method == "POST" else 200
    if is_htmx(request):
        form.fields["answer"].widget.attrs["autofocus"] = True  # keyboard: straight in
        return why_row_response(request, why, status=status, form=form)
    return render(request, "postmortems/row_edit.html", {
        "form": form, "postmortem": postmortem, "title": f"Edit why {why.position}",
    }, status=status)


@require_GET
def why_row(request, pk):
    """A why's row as saved (the in-place form's Cancel)."""
    why = _why(pk)
    if not is_htmx(request):
        return redirect(editor_url(why.postmortem, f"why-{pk}"))
    require_edit(request.user, why.postmortem)
    return why_row_response(request, why)


@require_POST
def why_delete(request, pk):
    why = get_object_or_404(Why.objects.select_related("postmortem"), pk=pk)
    postmortem = why.postmortem
    require_edit(request.user, postmortem)
    with transaction.atomic():
        delete_versioned(why, None)
        Why.objects.renumber(postmortem)  # the chain reads 1, 2, 3 … again
    return section_done(request, postmortem, "whys", "Why deleted (it stays in the history).")


@require_POST
def factor_add(request, pk):
    postmortem = get_postmortem(pk)
    require_edit(request.user, postmortem)
    form = ContributingFactorForm(request.POST, prefix="factor")
    if not form.is_valid():
        return invalid_in_section(request, postmortem, "whys", factor_form=form)
    form.instance.postmortem = postmortem
    form.save_versioned(request.user)  # at the end of the list (locked append)
    return section_done(request, postmortem, "whys")


def _factor(pk):
    return get_object_or_404(ContributingFactor.objects.select_related("postmortem__incident"),
                             pk=pk)


def factor_row_response(request, factor, status=200, form=None):
    context = {"factor": factor, "postmortem": factor.postmortem}
    if form is not None:
        return render(request, "postmortems/editor/factor_form.html", {**context, "form": form},
                      status=status)
    return render(request, "postmortems/editor/factor_row.html", context, status=status)


@require_http_methods(["GET", "POST"])
def factor_edit(request, pk):
    """A contributing factor edited in place (htmx), or on a page of its own without
    JavaScript; the version rule holds."""
    factor = _factor(pk)
    postmortem = factor.postmortem
    if request.method == "POST":
        require_edit(request.user, postmortem)
    form = ContributingFactorForm(request.POST or None, instance=factor, prefix="factor")
    if request.method == "POST" and form.is_valid():
        in_place = {"template": "revisions/conflict_body.html",
                    "context": {"hx_target": "#body-whys"}} if is_htmx(request) else {}
        if (conflict := save_or_conflict(request, form, **in_place)) is not None:
            if is_htmx(request):
                conflict["HX-Retarget"] = "#body-whys"
                conflict["HX-Reswap"] = "innerHTML"
            return conflict
        if not is_htmx(request):
            return redirect(editor_url(postmortem, f"factor-{factor.pk}"))
        if request.headers.get("HX-Target") == "body-whys":  # a merge saved from the conflict
            return render_section(request, postmortem, "whys")
        factor.refresh_from_db()
        return factor_row_response(request, factor)
    status = 400 if request.method == "POST" else 200
    if is_htmx(request):
        form.fields["text"].widget.attrs["autofocus"] = True
        return factor_row_response(request, factor, status=status, form=form)
    return render(request, "postmortems/row_edit.html", {
        "form": form, "postmortem": postmortem, "title": "Edit contributing factor",
    }, status=status)


@require_GET
def factor_row(request, pk):
    """A factor as saved (the in-place form's Cancel)."""
    factor = _factor(pk)
    if not is_htmx(request):
        return redirect(editor_url(factor.postmortem, f"factor-{pk}"))
    require_edit(request.user, factor.postmortem)
    return factor_row_response(request, factor)


@require_POST
def factor_delete(request, pk):
    factor = get_object_or_404(ContributingFactor.objects.select_related("postmortem"), pk=pk)
    postmortem = factor.postmortem
    require_edit(request.user, postmortem)
    delete_versioned(factor, None)
    return section_done(request, postmortem, "whys",
                        "Contributing factor deleted (it stays in the history).")
