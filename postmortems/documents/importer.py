"""Markdown → a new incident and its postmortem, all or nothing, with a report of what was done
with each section.

``parse_document`` reads (no database writes) and refuses a malformed file whole with the line
and the reason (MalformedDocument); ``import_document`` creates everything in one transaction.
What the importer cannot place is kept, as written, in the postmortem's "Imported notes".
"""

from dataclasses import dataclass, field
from datetime import UTC, datetime, time

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q

from postmortems.documents import actions, impact, meta, quick, sections, tree, whys
from postmortems.documents.errors import MalformedDocument
from postmortems.documents.timeline import entries_of, key_time_name, read_timeline_section
from postmortems.models import (
    ActionItem,
    ContributingFactor,
    Incident,
    Postmortem,
    TimelineEntry,
    Why,
)
from postmortems.models.incidents import KEY_TIME_LABELS, KEY_TIMES

MAX_DOCUMENT_CHARS = 512 * 1024


@dataclass
class ParsedDocument:
    title: str
    template: str
    severity: int
    key_times: dict  # {"started_at": datetime, …}: the incident's key times
    executive_summary: str = ""
    timeline: list = field(default_factory=list)  # ParsedLine
    whys: list = field(default_factory=list)
    factors: list = field(default_factory=list)
    root_inferred: bool = False
    impact: dict = field(default_factory=dict)
    impact_notes: str = ""
    actions: list = field(default_factory=list)
    quick: dict = field(default_factory=dict)
    imported_notes: str = ""
    kept: list = field(default_factory=list)  # headings of what went to the notes


@dataclass
class Imported:
    incident: Incident
    report: list  # one sentence a section: what the import did with it


def check_size(text):
    if len(text) > MAX_DOCUMENT_CHARS:
        raise MalformedDocument(1, f"The document is {len(text) // 1024} KB; at most "
                                f"{MAX_DOCUMENT_CHARS // 1024} KB are imported. Keep "
                                "attachments and logs out of it.")
    for number, line in enumerate(text.split("\n"), start=1):
        if "\x00" in line:
            raise MalformedDocument(number, "The line contains a NUL character.")


def kept_markdown(source, piece):
    if isinstance(piece, tree.ListItem):
        return f"- {piece.text}"
    return source.text(piece.start, piece.end).strip()


def incident_times(timeline):
    """The timeline's key-time rows → {field: time}; a key time given twice is refused."""
    found, lines = {}, {}
    for entry in timeline:
        name = key_time_name(entry.kind)
        if name is None:
            continue
        if name in found:
            raise MalformedDocument(entry.number, f"A second “{KEY_TIME_LABELS[name]}” key "
                                    f"time (the first is at line {lines[name]}).")
        found[name], lines[name] = entry.at, entry.number
    return found


def parse_document(text):
    """Markdown → ParsedDocument, or MalformedDocument."""
    text = tree.normalize(text)
    check_size(text)
    source = tree.read_blocks(text)
    outline = sections.outline(source)
    head = meta.read_meta(outline, source)
    notes, kept = [], []

    def keep(heading, pieces):
        body = "\n\n".join(kept_markdown(source, piece) for piece in pieces).strip()
        if body:
            notes.append(f"### {heading}\n\n{body}")
            kept.append(heading)

    if head.others:
        notes.append("### Details\n\n" + "\n".join(head.others))
        kept.append("the lines under the title")
    day = head.started_at.date() if head.started_at else head.day
    timeline_section = outline.first("timeline")
    timeline, extra = (read_timeline_section(timeline_section, day)
                       if timeline_section else ([], []))
    keep(f"From “{timeline_section.heading}”" if timeline_section else "", extra)
    key_times = incident_times(timeline)
    timeline = entries_of(timeline)
    started_at = key_times.get("started_at") or head.started_at or (
        min(entry.at for entry in timeline) if timeline
        else datetime.combine(head.day, time(0), tzinfo=UTC))
    if "resolved_at" not in key_times and head.duration is not None:
        key_times["resolved_at"] = started_at + head.duration
    key_times["started_at"] = started_at
    chain = whys.read_chain(source, [s for s in outline.sections
                                     if s.kind in ("analysis", "factors")])
    for section, block in chain.kept:
        keep(f"From “{section.heading}”", [block])
    values, impact_notes = impact.read_impact(source, outline.first("impact"))
    items, extra = actions.read_actions(source, outline.first("actions"))
    if extra:
        keep(f"From “{outline.first('actions').heading}”", extra)
    quick_values, extra = quick.read_quick(source, outline)
    for section, piece in extra:
        keep(f"From “{section.heading}”", [piece])
    if chain.sentence:
        quick_values["root_cause_sentence"] = chain.sentence
    for section in outline.sections:
        if section.kind == "unknown":
            keep(section.heading, section.blocks)
    for item in items:
        if item["extra"]:
            notes.append(f"### Action “{item['text']}”\n\n" + "\n".join(
                f"- {extra}" for extra in item["extra"]))
            kept.append(f"columns of action “{item['text'][:60]}”")
    own_notes = sections.section_text(source, outline.first("notes"))
    is_quick = head.quick or bool(quick_values and not (outline.first("summary")
                                                         or chain.whys))
    return ParsedDocument(
        title=head.title, severity=head.severity, key_times=key_times,
        template=Postmortem.Template.QUICK if is_quick else Postmortem.Template.STANDARD,
        executive_summary=sections.section_text(source, outline.first("summary")),
        timeline=timeline, whys=chain.whys, factors=chain.factors,
        root_inferred=chain.root_inferred, impact=values, impact_notes=impact_notes,
        actions=items, quick=quick_values,
        imported_notes="\n\n".join(part for part in [own_notes, *notes] if part),
        kept=kept,
    )


def users_by_name(names):
    if not names:
        return {}
    match_any = Q(pk__in=[])
    for name in names:
        match_any |= Q(username__iexact=name) | Q(email__iexact=name)
    found = {}
    for user in get_user_model().objects.filter(match_any):
        found[user.get_username().lower()] = user
        if user.email:
            found.setdefault(user.email.lower(), user)
    return found


def validated(instance, line, exclude=()):
    try:
        instance.full_clean(exclude=list(exclude))
    except ValidationError as error:
        raise MalformedDocument(line, "; ".join(error.messages)) from None
    return instance


@transaction.atomic
def import_document(text, owner=None):
    """Create the incident and its postmortem; returns Imported(incident, report). Owners are
    matched to users by username or e-mail; an unknown owner is kept as written (the item is
    orphaned until someone assigns a user)."""
    doc = parse_document(text)
    times = doc.key_times
    status = (Incident.Status.RESOLVED if times.get("resolved_at")
              else Incident.Status.MITIGATED if times.get("mitigated_at")
              else Incident.Status.OPEN)
    incident = validated(Incident(title=doc.title, severity=doc.severity, owner=owner,
                                  status=status, **times), 2)
    incident.save()
    postmortem = Postmortem(
        incident=incident, template=doc.template, author=owner,
        executive_summary=doc.executive_summary, impact_notes=doc.impact_notes,
        imported_notes=doc.imported_notes, **doc.impact, **doc.quick)
    validated(postmortem, 2, exclude=["incident"]).save()
    TimelineEntry.objects.bulk_create(
        TimelineEntry(postmortem=postmortem, at=entry.at, kind=entry.kind, text=entry.text)
        for entry in doc.timeline)
    chain = {why["position"]: Why.objects.create(
        postmortem=postmortem, position=why["position"], question=why["question"],
        answer=why["answer"], is_root_cause=why["root"]) for why in doc.whys}
    factors = {position: ContributingFactor.objects.create(
        postmortem=postmortem, position=position, text=text)
        for position, (_, text) in enumerate(doc.factors, start=1)}
    users = users_by_name({item["owner"] for item in doc.actions if item["owner"]})
    for item in doc.actions:
        user = users.get(item["owner"].lower()) if item["owner"] else None
        kind, position = item["addresses"] or (None, None)
        target = (chain if kind == "Why" else factors).get(position) if kind else None
        if kind and target is None:
            raise MalformedDocument(item["line"], f"{kind} {position} does not exist.")
        ActionItem.objects.create(
            incident=incident, priority=item["priority"], text=item["text"], owner=user,
            owner_name="" if user else item["owner"], due=item["due"], ticket=item["ticket"],
            status=item["status"], wont_do_reason=item["wont_do_reason"],
            addresses_why=target if kind == "Why" else None,
            addresses_factor=target if kind == "Factor" else None,
        )
    return Imported(incident, report(doc, incident))


def import_markdown(text, owner=None):
    """import_document, for callers that only need the new incident."""
    return import_document(text, owner).incident


def plural(count, word):
    return f"{count} {word}{'' if count == 1 else 's'}"


def report(doc, incident):
    """One sentence a section, e.g. "5 whys: 5, root cause = why 5"."""
    lines = [f"incident: “{doc.title}”, SEV{doc.severity}, " + ", ".join(
        f"{KEY_TIME_LABELS[name]} {doc.key_times[name]:%Y-%m-%d %H:%M} UTC"
        for name in KEY_TIMES if doc.key_times.get(name))]
    lines.append(f"template: {doc.template}")
    lines.append("executive summary: " + ("imported" if doc.executive_summary else "none"))
    lines.append(f"timeline: {plural(len(doc.timeline), 'entry').replace('entrys', 'entries')}")
    roots = [why["position"] for why in doc.whys if why["root"]]
    if roots:
        how = " (the last; none was marked)" if doc.root_inferred else ""
        lines.append(f"5 whys: {len(doc.whys)}, root cause = why {roots[0]}{how}")
    elif doc.whys:
        lines.append(f"5 whys: {len(doc.whys)}, root cause not marked yet")
    elif doc.quick.get("root_cause_sentence"):
        lines.append("root cause: one sentence (quick template)")
    else:
        lines.append("5 whys: none")
    if doc.factors:
        lines.append(f"contributing factors: {len(doc.factors)}")
    figures = [name.replace("_", " ") for name in doc.impact if name != "revenue_currency"]
    lines.append("impact: " + (", ".join(figures) if figures else "no figures")
                 + ("; notes kept" if doc.impact_notes else ""))
    orphaned = ActionItem.objects.filter(incident=incident).orphaned().count()
    lines.append(f"action items: {len(doc.actions)}, {orphaned} orphaned")
    if doc.quick:
        lines.append("quick template: " + ", ".join(
            label.lower() for name, label in quick.QUICK_FIELDS if name in doc.quick))
    for heading in doc.kept:
        lines.append(f"{heading}: kept in Imported notes")
    return lines
