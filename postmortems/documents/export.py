"""A postmortem as Markdown in the guide's standard shape, so an exported postmortem reads like
the ones teams already keep, and importing it gives the same postmortem back:

    # Postmortem: <title>                     (# Quick Postmortem: … for the quick template)
    **Date**: 2026-03-04 10:00 UTC | **Duration**: 65 min | **Severity**: SEV2
    ## Executive Summary
    ## Timeline (UTC)       | Time | Event | Kind |   (HH:MM on the start date, else dated;
                            the incident's key times as rows "Detected (key time)")
    ## Root Cause Analysis  ### 5 Whys: 1. Why …? → answer, the root cause marked
                            ### Contributing Factors: a list
    ## Impact               - Customers affected: 12,400 … then the notes
    ## Action Items         | Priority | Action | Owner | Due | Ticket | Status | Addresses |
    ## Quick template       (only when the quick template's fields are used)
    ## Imported notes       (only when an import kept something)

A quick postmortem is written in the guide's quick shape instead:

    # Quick Postmortem: <title>
    **Date**: … | **Duration**: … | **Severity**: SEV3
    ## What Happened
    ## Trigger, ## Detection, ## Resolution   (one sentence each, when written)
    ## Timeline             - 14:05 - [started (key time)] / - 14:07 - [alert] text
    ## Root Cause           the one sentence
    ## Fix                  - Immediate: … / - Long-term: OPS-214
    ## Action Items         (the table, when there are items)

unless it also holds the standard template's parts (an executive summary, whys, factors,
impact figures: an import can bring them): then the standard shape, so nothing is left out.

Review meeting summaries are not exported: they belong to the meeting record (the print view
shows them), and an import creates a postmortem, not a meeting.
"""

from datetime import UTC
from decimal import Decimal

from postmortems.documents.quick import QUICK_FIELDS
from postmortems.documents.whys import NOT_MARKED
from postmortems.models import ActionItem, Postmortem

NONE = "—"
ACTION_COLUMNS = ["Priority", "Action", "Owner", "Due", "Ticket", "Status", "Addresses"]


def cell(text):
    """Text fit for one table cell: pipes escaped, line breaks as <br>."""
    return (text or "").replace("|", "\\|").replace("\r", "").replace("\n", "<br>") or NONE


def one_line(text):
    return " ".join((text or "").split())


def clock(moment, day=None):
    moment = moment.astimezone(UTC)
    shape = "%H:%M:%S" if moment.second else "%H:%M"
    return moment.strftime(shape if moment.date() == day else f"%Y-%m-%d {shape}")


def minutes(delta):
    seconds = int(delta.total_seconds())
    text = f"{seconds // 60} min"
    return f"{text} {seconds % 60} s" if seconds % 60 else text


def table(header, rows):
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(cell(value) for value in row) + " |" for row in rows]
    return lines


def indented(text, width):
    first, *rest = text.strip().split("\n")
    return "\n".join([first, *[(" " * width + line) if line.strip() else "" for line in rest]])


def head(postmortem):
    incident = postmortem.incident
    quick = "Quick " if postmortem.template == Postmortem.Template.QUICK else ""
    started = incident.started_at.astimezone(UTC)
    duration = (minutes(incident.resolved_at - incident.started_at)
                if incident.resolved_at else NONE)
    return [f"# {quick}Postmortem: {incident.title}", "",
            f"**Date**: {clock(started)} UTC | **Duration**: {duration} | "
            f"**Severity**: SEV{incident.severity}", ""]


def timeline(postmortem):
    day = postmortem.incident.started_at.astimezone(UTC).date()
    rows = [(clock(row.at, day), "" if row.is_key_time else row.text,
             f"{row.get_kind_display()} (key time)" if row.is_key_time
             else row.get_kind_display())
            for row in postmortem.timeline_rows()]
    return ["## Timeline (UTC)", "", *table(["Time", "Event", "Kind"], rows), ""]


def analysis(whys, factors):
    lines = ["## Root Cause Analysis", "", "### 5 Whys", ""]
    for why in whys:
        marker = f"{why.position}. "
        mark = "**Root cause:** " if why.is_root_cause else ""
        answer = f" → {mark}{indented(why.answer, len(marker))}".rstrip()
        lines.append(f"{marker}{one_line(why.question)}{answer}")
    if whys and not any(why.is_root_cause for why in whys):
        lines += ["", NOT_MARKED]
    lines.append("")
    if factors:
        lines += ["### Contributing Factors", ""]
        lines += [f"- {indented(factor.text, 2)}" for factor in factors]
        lines.append("")
    return lines


def impact(postmortem):
    lines = ["## Impact", ""]
    if postmortem.customers_affected is not None:
        lines.append(f"- Customers affected: {postmortem.customers_affected:,}")
    if postmortem.impact_minutes is not None:
        lines.append(f"- Duration: {postmortem.impact_minutes:,} minutes")
    if postmortem.revenue_impact is not None:
        lines.append(f"- Revenue impact: {Decimal(str(postmortem.revenue_impact)):,} "
                     f"{postmortem.revenue_currency}".rstrip())
    if postmortem.support_tickets is not None:
        lines.append(f"- Support tickets: {postmortem.support_tickets:,}")
    if len(lines) > 2:
        lines.append("")
    if postmortem.impact_notes.strip():
        lines += [postmortem.impact_notes.strip(), ""]
    return lines


def action_row(item, why_positions, factor_positions):
    owner = f"@{item.owner.get_username()}" if item.owner_id else item.owner_name
    status = item.get_status_display()
    if item.status == ActionItem.Status.WONT_DO:
        status = f"{status}: {item.wont_do_reason}"
    if item.addresses_why_id in why_positions:
        addresses = f"Why {why_positions[item.addresses_why_id]}"
    elif item.addresses_factor_id in factor_positions:
        addresses = f"Factor {factor_positions[item.addresses_factor_id]}"
    else:
        addresses = ""
    return [item.priority, item.text, owner, item.due.isoformat() if item.due else "",
            item.ticket, status, addresses]


def has_standard_parts(postmortem, whys, factors):
    figures = ("customers_affected", "impact_minutes", "revenue_impact", "support_tickets")
    return bool(whys or factors or postmortem.executive_summary.strip()
                or postmortem.impact_notes.strip()
                or any(getattr(postmortem, name) is not None for name in figures))


def bullet_timeline(postmortem):
    """The quick template's timeline: ``- 14:05 - [alert] text``, key times marked."""
    day = postmortem.incident.started_at.astimezone(UTC).date()
    lines = ["## Timeline", ""]
    for row in postmortem.timeline_rows():
        if row.is_key_time:
            lines.append(f"- {clock(row.at, day)} - [{row.get_kind_display()} (key time)]")
        else:
            text = row.text.replace("\r", "").replace("\n", "<br>")
            lines.append(f"- {clock(row.at, day)} - [{row.get_kind_display()}] {text}")
    return [*lines, ""]


def quick_markdown(postmortem, items):
    lines = head(postmortem)
    for name, heading in (("what_happened", "What Happened"), ("trigger", "Trigger"),
                          ("detection", "Detection"), ("resolution", "Resolution")):
        if getattr(postmortem, name).strip():
            lines += [f"## {heading}", "", getattr(postmortem, name).strip(), ""]
    lines += bullet_timeline(postmortem)
    if postmortem.root_cause_sentence.strip():
        lines += ["## Root Cause", "", postmortem.root_cause_sentence.strip(), ""]
    fixes = [(label, getattr(postmortem, name)) for name, label in (
        ("immediate_fix", "Immediate"), ("long_term_fix_ticket", "Long-term"))]
    if any(value.strip() for _, value in fixes):
        lines += ["## Fix", ""]
        lines += [f"- {label}: {indented(value, 2)}" for label, value in fixes if value.strip()]
        lines.append("")
    if items:
        lines += ["## Action Items", "", *table(ACTION_COLUMNS, [
            action_row(item, {}, {}) for item in items]), ""]
    if postmortem.imported_notes.strip():
        lines += ["## Imported notes", "", postmortem.imported_notes.strip(), ""]
    return "\n".join(lines).rstrip() + "\n"


def export_markdown(postmortem):
    whys = list(postmortem.whys.all())
    factors = list(postmortem.factors.all())
    items = postmortem.incident.action_items.select_related("owner").order_by("pk")
    if (postmortem.template == Postmortem.Template.QUICK
            and not has_standard_parts(postmortem, whys, factors)):
        return quick_markdown(postmortem, list(items))
    lines = head(postmortem)
    lines += ["## Executive Summary", ""]
    if postmortem.executive_summary.strip():
        lines += [postmortem.executive_summary.strip(), ""]
    lines += timeline(postmortem)
    lines += analysis(whys, factors)
    lines += impact(postmortem)
    why_positions = {why.pk: why.position for why in whys}
    factor_positions = {factor.pk: n for n, factor in enumerate(factors, start=1)}
    lines += ["## Action Items", "", *table(ACTION_COLUMNS, [
        action_row(item, why_positions, factor_positions) for item in items]), ""]
    quick = [(label, getattr(postmortem, name)) for name, label in QUICK_FIELDS]
    if any(value for _, value in quick):
        lines += ["## Quick template", ""]
        lines += [f"- {label}: {indented(value, 2)}" for label, value in quick if value]
        lines.append("")
    if postmortem.imported_notes.strip():
        lines += ["## Imported notes", "", postmortem.imported_notes.strip(), ""]
    return "\n".join(lines).rstrip() + "\n"
