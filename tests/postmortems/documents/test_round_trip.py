"""Export to Markdown in the guide's standard shape; importing it creates the same postmortem."""

from datetime import date, timedelta

import pytest
from django.core.management import CommandError, call_command

from postmortems.documents.errors import MalformedDocument
from postmortems.documents.export import export_markdown
from postmortems.documents.importer import import_markdown
from postmortems.models import ActionItem, Incident, Postmortem, TimelineEntry
from postmortems.models.incidents import KEY_TIMES
from tests.factories import T0

pytestmark = pytest.mark.django_db


@pytest.fixture
def document(make, editor):
    incident = make.incident(
        "Checkout | payments down", severity=Incident.Severity.SEV2,
        detected_at=T0 + timedelta(minutes=3), resolved_at=T0 + timedelta(hours=1, minutes=5),
        status=Incident.Status.RESOLVED, owner=editor,
    )
    pm = make.postmortem(
        incident, executive_summary="Payments failed for **65 minutes**.\n\n## Details\n\n"
                                    "Second paragraph.",
        customers_affected=1200, impact_minutes=65, revenue_impact="1234.50",
        revenue_currency="EUR", support_tickets=35, impact_notes="EU customers only.",
    )
    make.timeline_entry(pm, T0, "Bad config pushed", kind=TimelineEntry.Kind.TRIGGER)
    make.timeline_entry(pm, T0 + timedelta(minutes=3), "5xx alert | paging",
                        kind=TimelineEntry.Kind.ALERT)
    make.timeline_entry(pm, T0 + timedelta(minutes=50), "Line one\nline two")
    why1 = make.why(pm, 1, "Why did payments fail?",
                    "The gateway rejected requests.\n\n### Gateway log\n\n    HTTP 403")
    make.why(pm, 2, "Why did the config pass review?", "No validation in CI.",
             is_root_cause=True)
    factor = pm.factors.create(position=1, text="Alert threshold too high")
    make.action_item(incident, "Validate config in CI", owner=editor, due=date(2026, 4, 1),
                     ticket="OPS-1", priority=ActionItem.Priority.P1, addresses_why=why1)
    make.action_item(incident, "Lower the alert threshold", owner=None, owner_name="carol",
                     due=None, ticket="", priority=ActionItem.Priority.P2,
                     addresses_factor=factor)
    make.action_item(incident, "Rewrite gateway", status=ActionItem.Status.WONT_DO,
                     wont_do_reason="Too big; covered by CI check.",
                     priority=ActionItem.Priority.P0)
    return pm


def test_the_export_follows_the_guides_standard_shape(document):
    text = export_markdown(document)
    lines = text.splitlines()
    assert lines[0] == "# Postmortem: Checkout | payments down"
    assert lines[2] == "**Date**: 2026-03-04 10:00 UTC | **Duration**: 65 min | **Severity**: SEV2"
    headings = [line for line in lines if line.startswith("## ") and line != "## Details"]
    assert headings == ["## Executive Summary", "## Timeline (UTC)", "## Root Cause Analysis",
                        "## Impact", "## Action Items"]
    assert "| Time | Event | Kind |" in lines
    assert "| 10:03 | 5xx alert \\| paging | Alert fired |" in lines
    assert "| 10:03 | — | Detected (key time) |" in lines  # the incident's, not a copy
    assert "1. Why did payments fail? → The gateway rejected requests." in lines
    assert "2. Why did the config pass review? → **Root cause:** No validation in CI." in lines
    assert "- Customers affected: 1,200" in lines
    assert "- Revenue impact: 1,234.50 EUR" in lines
    assert "| Priority | Action | Owner | Due | Ticket | Status | Addresses |" in lines
    assert "| P2 | Lower the alert threshold | carol | — | — | Open | Factor 1 |" in lines


def test_a_chain_without_a_marked_root_cause_stays_unmarked(make):
    pm = make.postmortem()
    make.why(pm, 1, "Why did it fail?", "Nobody knows yet.")
    text = export_markdown(pm)
    imported = Postmortem.objects.get(incident=import_markdown(text))
    assert imported.whys.get().is_root_cause is False
    assert export_markdown(imported) == text


def test_importing_the_export_creates_the_same_postmortem(document):
    text = export_markdown(document)
    incident = import_markdown(text)
    assert incident.pk != document.incident_id
    original = document.incident
    assert [getattr(incident, name) for name in KEY_TIMES] == [
        getattr(original, name) for name in KEY_TIMES]
    assert incident.postmortem.timeline.count() == 3  # key times are not stored as entries
    assert export_markdown(Postmortem.objects.get(incident=incident)) == text
    imported = {item.text: item for item in incident.action_items.all()}
    assert imported["Validate config in CI"].owner.username == "erin"
    assert imported["Validate config in CI"].addresses_why.position == 1
    carol = imported["Lower the alert threshold"]
    assert (carol.owner, carol.owner_name) == (None, "carol")
    orphan = ActionItem.objects.orphaned().filter(incident=incident).get(pk=carol.pk)
    assert orphan.orphan_reason == "owner is not a user, no due date, no ticket"


def test_dated_times_are_kept_and_hh_mm_take_the_document_date(document):
    text = export_markdown(document).replace("| 10:03 | 5xx", "| 2026-03-05 10:07 | 5xx")
    incident = import_markdown(text)
    times = [e.at for e in incident.postmortem.timeline.all()]
    assert T0 + timedelta(days=1, minutes=7) in times
    assert T0 + timedelta(minutes=50) in times


def test_the_management_commands_round_trip(document, tmp_path, capsys):
    call_command("export_postmortem", str(document.incident_id))
    exported = capsys.readouterr().out
    assert exported == export_markdown(document)
    path = tmp_path / "pm.md"
    path.write_text(exported)
    call_command("import_postmortem", str(path))
    new_id = int(capsys.readouterr().out.strip())
    assert export_markdown(Postmortem.objects.get(incident_id=new_id)) == exported


def test_the_import_command_names_the_bad_line(tmp_path):
    path = tmp_path / "bad.md"
    path.write_text("# Title\n\nno date here\n\n## Summary\n\nText.\n")
    with pytest.raises(CommandError, match=r"line 3: The date is missing"):
        call_command("import_postmortem", str(path))
    assert not Incident.objects.exists()


def test_the_import_page_takes_a_file_and_refuses_a_bad_one(editor_client, editor, document):
    from django.core.files.uploadedfile import SimpleUploadedFile

    text = export_markdown(document)
    upload = SimpleUploadedFile("pm.md", text.encode(), content_type="text/markdown")
    response = editor_client.post("/incidents/import/", {"file": upload})
    incident = Incident.objects.latest("pk")
    assert response["Location"] == f"/incidents/{incident.pk}/"
    assert incident.owner == editor
    bad = SimpleUploadedFile("bad.md", b"no title", content_type="text/markdown")
    response = editor_client.post("/incidents/import/", {"file": bad})
    assert response.status_code == 400
    assert "Line 1: The document must start with its title" in response.content.decode()
    assert Incident.objects.latest("pk") == incident


@pytest.fixture
def quick(make, editor):
    incident = make.incident("Stale prices", severity=Incident.Severity.SEV3,
                             detected_at=T0 + timedelta(minutes=15),
                             resolved_at=T0 + timedelta(minutes=25),
                             status=Incident.Status.RESOLVED)
    pm = make.postmortem(
        incident, template=Postmortem.Template.QUICK, what_happened="Prices were | stale.",
        trigger="Bulk update", detection="Customer report", resolution="Cache flush",
        root_cause_sentence="The cache ignores bulk updates.", immediate_fix="Flush\nby hand",
        long_term_fix_ticket="OPS-7")
    make.timeline_entry(pm, T0 + timedelta(minutes=5), "Price job | ran\ntwice",
                        kind=TimelineEntry.Kind.TRIGGER)
    make.action_item(incident, "Invalidate on bulk updates", owner=editor,
                     due=date(2026, 4, 1), ticket="OPS-7", priority=ActionItem.Priority.P1)
    return pm


def test_a_quick_postmortem_exports_in_the_quick_templates_shape(quick):
    text = export_markdown(quick)
    lines = text.splitlines()
    assert lines[0] == "# Quick Postmortem: Stale prices"
    assert lines[2] == "**Date**: 2026-03-04 10:00 UTC | **Duration**: 25 min | **Severity**: SEV3"
    assert [line for line in lines if line.startswith("## ")] == [
        "## What Happened", "## Trigger", "## Detection", "## Resolution", "## Timeline",
        "## Root Cause", "## Fix", "## Action Items"]
    timeline = lines[lines.index("## Timeline") + 2:lines.index("## Root Cause") - 1]
    assert timeline == [
        "- 10:00 - [Started (key time)]", "- 10:05 - [Trigger] Price job | ran<br>twice",
        "- 10:15 - [Detected (key time)]", "- 10:25 - [Resolved (key time)]"]
    assert "- Immediate: Flush\n  by hand" in text
    assert "- Long-term: OPS-7" in text
    assert "Quick template" not in text


def test_a_quick_postmortem_round_trips(quick):
    text = export_markdown(quick)
    imported = Postmortem.objects.get(incident=import_markdown(text))
    assert imported.template == Postmortem.Template.QUICK
    fields = ["what_happened", "trigger", "detection", "resolution", "root_cause_sentence",
              "immediate_fix", "long_term_fix_ticket"]
    assert [getattr(imported, name) for name in fields] == [
        getattr(quick, name) for name in fields]
    assert [getattr(imported.incident, name) for name in KEY_TIMES] == [
        getattr(quick.incident, name) for name in KEY_TIMES]
    assert list(imported.timeline.values_list("at", "kind", "text")) == list(
        quick.timeline.values_list("at", "kind", "text"))
    assert list(imported.incident.action_items.values_list("text", "due", "ticket")) == list(
        quick.incident.action_items.values_list("text", "due", "ticket"))
    assert export_markdown(imported) == text


def test_a_quick_postmortem_holding_standard_parts_keeps_them(make, quick):
    make.why(quick, 1, "Why stale?", "No invalidation.", is_root_cause=True)
    text = export_markdown(quick)
    assert "## Root Cause Analysis" in text and "## Quick template" in text
    imported = Postmortem.objects.get(incident=import_markdown(text))
    assert imported.template == Postmortem.Template.QUICK
    assert list(imported.whys.values_list("answer", flat=True)) == ["No invalidation."]
    assert (imported.what_happened, imported.immediate_fix, imported.long_term_fix_ticket) == (
        "Prices were | stale.", "Flush\nby hand", "OPS-7")
    assert export_markdown(imported) == text


def test_an_unknown_kind_in_the_kind_column_is_refused_at_its_row(document):
    text = export_markdown(document).replace("| Alert fired |", "| Party |")
    with pytest.raises(MalformedDocument) as caught:
        import_markdown(text)
    assert caught.value.reason == "Unknown timeline kind “Party”."
    assert "| Party |" in text.split("\n")[caught.value.line - 1]
