"""What the postmortem editor shows, whole or one section at a time.

The editor is four sections (document, timeline, whys, actions), each in its own element
``#body-<key>``. An in-place change (htmx) answers with its section only, so input typed
elsewhere on the page stays where it is; the live feed (views/live.py) re-renders the sections
somebody else changed. Without JavaScript the same views redirect back to the page.
"""

import functools

from django.contrib import messages
from django.db import connection
from django.db.models import Exists, IntegerField, OuterRef
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.functional import SimpleLazyObject

from postmortems import blameless, similar, tracker_rows
from postmortems.fields import user_choices
from postmortems.forms import (
    ActionItemForm,
    ContributingFactorForm,
    QuickPostmortemForm,
    StandardPostmortemForm,
    TimelineEntryForm,
    TimelinePasteForm,
    WhyForm,
)
from postmortems.models import (
    ContributingFactor,
    Meeting,
    Postmortem,
    Presence,
    ShownEntry,
    TimelineEntry,
    Why,
)
from postmortems.models.actions import table_items, today_utc
from postmortems.people import active_users_statement
from postmortems.revisions import changes
from postmortems.statements import Given, Statement, run
from postmortems.views import is_htmx
from slos import impacts as slo_impacts
from slos.models import IncidentImpact

SECTIONS = ("document", "timeline", "whys", "actions")

BLAMELESS_FIELDS = ["executive_summary", "impact_notes", "what_happened", "trigger",
                    "detection", "resolution", "root_cause_sentence", "text", "question",
                    "answer"]


def document_form_class(postmortem):
    if postmortem.template == Postmortem.Template.QUICK:
        return QuickPostmortemForm
    return StandardPostmortemForm


def _postmortems(for_page):
    postmortems = Postmortem.objects.select_related("incident", "incident__owner")
    if for_page:
        postmortems = postmortems.annotate(
            has_closed_meetings=Exists(Meeting._base_manager.filter(
                postmortem=OuterRef("pk"), closed_at__isnull=False)),
            has_slo_impacts=Exists(IncidentImpact._base_manager.filter(
                incident=OuterRef("incident_id"))))
    return postmortems


@functools.lru_cache(maxsize=2)
def _postmortem_statement(for_page):
    return Statement.of_instances(_postmortems(for_page).filter(
        incident_id=Given("incident", IntegerField())))


def get_postmortem(incident_pk, for_page=False):
    """The incident's postmortem, with its incident. ``for_page`` (the editor, one of its
    sections, the print view): also whether it has closed review meetings and SLO links (two
    EXISTS in the same query: most have neither, and the page then reads neither); left out
    for the live poll and the changes, which show neither. Read by a statement compiled once
    per process and planned once per database session, the incident given when it runs
    (building and compiling the queryset took ~0.5 ms of each editor request's CPU)."""
    low, high = connection.ops.integer_field_range(
        Postmortem._meta.get_field("incident").target_field.get_internal_type())
    if not low <= incident_pk <= high:  # none such: given, it would be a database error
        raise Http404("No Postmortem matches the given query.")
    (found,) = run(_postmortem_statement(for_page).given(incident=incident_pk), prepared=True)
    if not found:
        raise Http404("No Postmortem matches the given query.")
    return found[0]


@functools.lru_cache(maxsize=8)
def _items_statement(today):
    return tracker_rows.statement(table_items(today, with_incident=True).filter(
        incident_id=Given("incident", IntegerField())))


@functools.lru_cache(maxsize=1)
def _entries_statements():
    """A postmortem's timeline entries (as ShownEntry values), whys and factors (model
    instances) by statements compiled once per process, the postmortem given when they run:
    building and compiling their querysets took ~0.8 ms of the editor's CPU."""
    postmortem = Given("postmortem", IntegerField())
    return {
        "timeline": Statement.of(TimelineEntry.objects.filter(postmortem_id=postmortem)
                                 .values(*ShownEntry.COLUMNS), ShownEntry),
        "whys": Statement.of_instances(Why.objects.filter(postmortem_id=postmortem)),
        "factors": Statement.of_instances(
            ContributingFactor.objects.filter(postmortem_id=postmortem)),
    }


# What each section reads besides its postmortem (and its SLO impacts, when it has any).
READS = {
    "document": ("users",),
    "timeline": ("timeline", "users"),
    "whys": ("whys", "factors", "users", "seen_before"),
    "actions": ("items", "whys", "factors", "users"),
}


def editor_reads(postmortem, sections, seen_by=None):
    """{name: rows} of what these sections show besides the postmortem (READS), read in
    one round trip, each statement planned once per database session (the same for every
    postmortem, the day written into the items'); with ``seen_by``, that user's presence
    written in the same round trip (Presence.seen)."""
    names = list(dict.fromkeys(name for key in sections for name in READS[key]))
    groups = [_statements_of(postmortem, name) for name in names]
    seen = [Presence.seen_statement(postmortem, seen_by)] if seen_by is not None else []
    rows = iter(run(*seen, *[statement for group in groups for statement in group],
                    prepared=True)[len(seen):])
    read = {name: [next(rows) for _ in group] for name, group in zip(names, groups, strict=True)}
    for name in {"whys", "factors"}.intersection(read):
        for row in read[name][0]:
            row.postmortem = postmortem  # as postmortem.<related>.all() gives them
    if "timeline" in read:
        read["timeline"] = [postmortem.timeline_rows(read["timeline"][0])]
    if "seen_before" in read:
        read["seen_before"] = [similar.seen_before_from(*read["seen_before"])]
    return {name: rows for name, (rows, *_) in read.items()}


def _statements_of(postmortem, name):
    if name == "users":
        return (active_users_statement(),)
    if name == "items":
        return (_items_statement(today_utc()).given(incident=postmortem.incident_id),)
    if name == "seen_before":
        return tuple(statement.given(postmortem=postmortem.pk)
                     for statement in similar.seen_before_statements())
    return (_entries_statements()[name].given(postmortem=postmortem.pk),)


def incident_items(incident_id):
    """The incident's action items as the table shows them (tracker_rows.TrackerRows, the
    flags as of today), by a statement compiled once a day, the incident given when it
    runs: building and compiling for_table and making model objects of its rows took
    ~1.2 ms of the editor's CPU."""
    (rows,) = run(_items_statement(today_utc()).given(incident=incident_id))
    return rows


def editor_url(postmortem, anchor=""):
    url = reverse("postmortems:postmortem_edit", args=[postmortem.incident_id])
    return f"{url}#{anchor}" if anchor else url


def timeline_context(postmortem, people=None, **extra):
    return {
        "postmortem": postmortem,
        "timeline": extra.pop("timeline") if "timeline" in extra else SimpleLazyObject(
            postmortem.timeline_rows),
        # The forms are made when a section is rendered, not when it is kept (made of the same).
        "entry_form": extra.pop("entry_form", None) or SimpleLazyObject(lambda: TimelineEntryForm(
            prefix="entry", initial={"at": postmortem.incident.started_at})),
        "paste_form": extra.pop("paste_form", None) or SimpleLazyObject(
            lambda: TimelinePasteForm(prefix="paste")),
        "people": SimpleLazyObject(blameless.known_people) if people is None else people,
        **extra,
    }


def editor_context(request, postmortem, sections=SECTIONS, seen_by=None, **forms):
    """Everything the editor page shows (or these ``sections`` of it): a fixed number of
    queries, whatever the row counts. What the sections show is read in one round trip when
    a template first uses any of it (editor_reads), so one section alone (render_section)
    reads only what it shows. Each section's ``<key>_made_of``: everything it shows (the
    forms on it are made from those too), by which its HTML is kept (postmortems.kept_html);
    None, with a form given (its input, its errors): rendered afresh. With ``seen_by`` (the
    page), that user's presence is written with the reads, read at once."""
    incident = postmortem.incident
    reads = (editor_reads(postmortem, sections, seen_by) if seen_by is not None
             else SimpleLazyObject(lambda: editor_reads(postmortem, sections)))
    users = SimpleLazyObject(lambda: reads["users"])  # the owner picker and the blameless names
    people = SimpleLazyObject(lambda: blameless.known_people(users))
    whys = SimpleLazyObject(lambda: reads["whys"])
    factors = SimpleLazyObject(lambda: reads["factors"])
    items = SimpleLazyObject(lambda: reads["items"])
    impacts = SimpleLazyObject(lambda: slo_impacts.for_incident(incident) if getattr(
        postmortem, "has_slo_impacts", True) else [])  # unknown unless read by get_postmortem
    seen_before = SimpleLazyObject(lambda: reads["seen_before"])
    context = {
        "incident": incident,
        "postmortem": postmortem,
        "document_form": forms.get("document_form") or SimpleLazyObject(
            lambda: document_form_class(postmortem)(instance=postmortem)),
        "slo_impacts": impacts,
        "whys": whys,
        "factors": factors,
        "why_form": forms.get("why_form") or SimpleLazyObject(lambda: WhyForm(
            prefix="why", initial={"question": "Why?"})),
        "factor_form": forms.get("factor_form") or SimpleLazyObject(
            lambda: ContributingFactorForm(prefix="factor")),
        "action_form": forms.get("action_form") or SimpleLazyObject(
            lambda: ActionItemForm(prefix="action", incident=incident, whys=whys,
                                   factors=factors, users=user_choices(users=users))),
        "items": items,
        "similar": seen_before,
        "blameless_fields": BLAMELESS_FIELDS,
        "editor_path": editor_url(postmortem),
        **timeline_context(postmortem, people=people, timeline=SimpleLazyObject(
            lambda: reads["timeline"]), **{
            key: value for key, value in forms.items()
            if key in ("entry_form", "paste_form", "paste_errors", "key_time_error")
        }),
    }
    made_of = {  # the postmortem brings its incident, and the incident its postmortem
        "document": (postmortem, people, impacts),
        "timeline": (postmortem, context["timeline"], people),
        "whys": (postmortem, whys, factors, people, seen_before),
        "actions": (postmortem, items, whys, factors, users),
    }
    for key in SECTIONS:
        context[f"{key}_made_of"] = None if forms else made_of[key]
    return context


def render_editor(request, postmortem, status=200, **forms):
    # Here from the others' next poll: written with the page's reads.
    context = editor_context(request, postmortem, seen_by=request.user, **forms)
    context["cursor"] = changes.changes_since(postmortem, None)["cursor"]
    return render(request, "postmortems/postmortem_edit.html", context, status=status)


def render_section(request, postmortem, key, status=200, **forms):
    """One section of the editor, alone (``key`` in SECTIONS)."""
    context = editor_context(request, postmortem, (key,), **forms)
    context["key"] = key
    return render(request, "postmortems/editor/section.html", context, status=status)


def section_done(request, postmortem, key, message=None):
    """The answer to a change made in section ``key``: the section (htmx), or back to the
    page at that section with a message (plain form posts)."""
    if is_htmx(request):
        return render_section(request, postmortem, key)
    if message:
        messages.success(request, message)
    return redirect(editor_url(postmortem, key))
