"""The guide's standard and quick templates import as written, and so do the usual variations
teams make of them; what cannot be placed is kept, and the report says what happened to each
section."""

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path

import pytest

from postmortems.documents.importer import import_document
from postmortems.models import ActionItem, Incident, Postmortem

pytestmark = pytest.mark.django_db
SAMPLES = Path(__file__).parent / "samples"


def sample(name):
    return (SAMPLES / name).read_text(encoding="utf-8")


def at(day, hour, minute):
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=UTC)


def test_the_standard_template_imports_as_written(editor, admin):
    imported = import_document(sample("standard.md"))
    incident = imported.incident
    postmortem = Postmortem.objects.get(incident=incident)
    day = date(2026, 2, 17)
    assert incident.title == "Checkout API timeouts after connection pool change"
    assert incident.severity == Incident.Severity.SEV2
    assert incident.started_at == at(day, 9, 12)  # the date, at the first timeline time
    assert incident.resolved_at == at(day, 9, 59)  # + 47 min
    assert postmortem.template == Postmortem.Template.STANDARD
    assert postmortem.executive_summary.startswith("From 09:12 to 09:59 UTC")
    timeline = [(e.at, e.kind, e.text) for e in postmortem.timeline.all()]
    assert timeline == [
        (at(day, 9, 12), "alert", "First alert fired: checkout p99 latency above 2 s"),
        (at(day, 9, 15), "acknowledged", "On-call acknowledged"),
        (at(day, 9, 31), "root_cause", "Root cause identified: pool size 10 instead of 20"),
        (at(day, 9, 48), "fix_deployed", "Fix deployed: pool size back to 20"),
        (at(day, 9, 59), "recovered", "Service recovered"),
    ]
    whys = list(postmortem.whys.all())
    assert [(w.position, w.is_root_cause) for w in whys] == [
        (1, False), (2, False), (3, False), (4, False), (5, True)]
    assert whys[0].question == "Why did checkout time out?"
    assert whys[0].answer == "Requests waited for a free database connection."
    assert (postmortem.customers_affected, postmortem.impact_minutes,
            postmortem.revenue_impact, postmortem.revenue_currency,
            postmortem.support_tickets) == (12400, 47, Decimal("38000"), "USD", 212)
    items = list(incident.action_items.order_by("pk"))
    assert [(i.priority, i.owner, i.due, i.ticket) for i in items] == [
        ("P0", editor, date(2026, 2, 20), "OPS-101"),
        ("P1", admin, date(2026, 3, 6), "OPS-102"),
        ("P2", editor, date(2026, 3, 13), "OPS-103"),
    ]
    assert postmortem.imported_notes == ""
    assert imported.report == [
        "incident: “Checkout API timeouts after connection pool change”, SEV2, "
        "started 2026-02-17 09:12 UTC, resolved 2026-02-17 09:59 UTC",
        "template: standard",
        "executive summary: imported",
        "timeline: 5 entries",
        "5 whys: 5, root cause = why 5 (the last; none was marked)",
        "impact: customers affected, impact minutes, revenue impact, support tickets",
        "action items: 3, 0 orphaned",
    ]


def test_the_quick_template_imports_as_written():
    imported = import_document(sample("quick.md"))
    postmortem = Postmortem.objects.get(incident=imported.incident)
    assert postmortem.template == Postmortem.Template.QUICK
    assert imported.incident.title == "Stale prices on the product page"
    assert imported.incident.severity == Incident.Severity.SEV3
    assert postmortem.what_happened.startswith("Product pages showed yesterday's prices")
    assert postmortem.root_cause_sentence.startswith("The product cache ignores bulk updates")
    assert (postmortem.immediate_fix, postmortem.long_term_fix_ticket) == (
        "Flushed the product cache by hand", "OPS-214")
    timeline = [(e.at.strftime("%H:%M"), e.kind) for e in postmortem.timeline.all()]
    assert timeline == [("14:05", "trigger"), ("14:20", "note"), ("14:30", "note")]
    assert postmortem.whys.count() == 0
    assert "root cause: one sentence (quick template)" in imported.report


def test_the_usual_variations_import(editor):
    imported = import_document(sample("variations.md"))
    incident = imported.incident
    postmortem = Postmortem.objects.get(incident=incident)
    assert incident.started_at == datetime(2026, 1, 9, 22, 40, tzinfo=UTC)
    assert incident.severity == Incident.Severity.SEV1
    assert postmortem.executive_summary == "Search returned errors for everyone for 95 minutes."
    # Times without a date roll over midnight when they go backwards.
    assert [e.at.strftime("%d %H:%M") for e in postmortem.timeline.all()] == [
        "09 22:40", "09 23:55", "10 00:15"]
    whys = list(postmortem.whys.all())
    assert [(w.question, w.answer) for w in whys] == [
        ("Why did search fail?", "The new index was empty."),
        ("Why was it empty", "the rebuild job read from a replica that was still catching up."),
        ("Why did the job use a replica?", "its connection string was copied from a reporting "
                                           "job."),
    ]
    assert [w.is_root_cause for w in whys] == [False, False, True]
    assert (postmortem.customers_affected, postmortem.revenue_impact,
            postmortem.revenue_currency, postmortem.support_tickets) == (
        48000, Decimal("38000"), "EUR", 1024)
    assert postmortem.impact_notes == "- Region: EU and US"
    dana = incident.action_items.get(text="Refuse to publish an empty index")
    assert (dana.owner, dana.owner_name, dana.ticket) == (None, "dana", "")
    orphan = ActionItem.objects.orphaned().get(pk=dana.pk)
    assert orphan.orphan_reason == "owner is not a user, no ticket"
    assert incident.action_items.get(text="Rebuild from the primary").owner == editor
    assert postmortem.imported_notes == (
        "### Lessons Learned\n\nRebuilds deserve the same review as schema changes.")
    assert "action items: 2, 1 orphaned" in imported.report
    assert "Lessons Learned: kept in Imported notes" in imported.report


@pytest.mark.parametrize("encode", [
    pytest.param(lambda text: "\ufeff" + text, id="BOM"),
    pytest.param(lambda text: text.replace("\n", "\r\n"), id="CRLF"),
    pytest.param(lambda text: "\ufeff" + text.replace("\n", "\r\n"), id="BOM+CRLF"),
    pytest.param(lambda text: text.replace("## Executive Summary", "## EXECUTIVE SUMMARY")
                 .replace("## Timeline (UTC)", "## timeline")
                 .replace("## Action Items", "## Follow-ups"), id="heading-wording"),
    pytest.param(lambda text: text.replace(" → ", " -> "), id="ascii-arrow"),
    pytest.param(lambda text: text.replace("$38,000", "38.000 USD"), id="dot-thousands"),
])
def test_encodings_and_wordings_do_not_change_the_result(encode):
    plain = Postmortem.objects.get(incident=import_document(sample("standard.md")).incident)
    varied = Postmortem.objects.get(
        incident=import_document(encode(sample("standard.md"))).incident)
    fields = ["executive_summary", "customers_affected", "revenue_impact", "revenue_currency",
              "impact_notes", "imported_notes"]
    assert [getattr(varied, f) for f in fields] == [getattr(plain, f) for f in fields]
    assert list(varied.timeline.values_list("at", "kind", "text")) == list(
        plain.timeline.values_list("at", "kind", "text"))
    assert list(varied.whys.values_list("question", "answer", "is_root_cause")) == list(
        plain.whys.values_list("question", "answer", "is_root_cause"))
    assert varied.incident.action_items.count() == 3


def test_a_file_exported_by_the_earlier_version_still_imports(editor):
    imported = import_document(sample("earlier_export.md"))
    incident = imported.incident
    postmortem = Postmortem.objects.get(incident=incident)
    assert (incident.title, incident.severity) == ("Checkout | payments down", 2)
    assert incident.resolved_at - incident.started_at == timedelta(hours=1, minutes=5)
    assert list(postmortem.timeline.values_list("kind", "text")) == [
        ("trigger", "Bad config pushed"), ("alert", "5xx alert | paging"), ("note", "Recovered")]
    assert list(postmortem.whys.values_list("position", "question", "answer",
                                            "is_root_cause")) == [
        (1, "Why did payments fail?", "The gateway rejected requests.", False),
        (2, "Why did the config pass review?", "No validation in CI.", True)]
    assert list(postmortem.factors.values_list("text", flat=True)) == ["Alert threshold too high"]
    assert (postmortem.impact_minutes, postmortem.revenue_impact, postmortem.revenue_currency,
            postmortem.impact_notes) == (65, Decimal("1234.50"), "EUR", "EU customers only.")
    items = {item.text: item for item in incident.action_items.all()}
    assert items["Validate config in CI"].addresses_why.position == 1
    assert items["Lower the alert threshold"].addresses_factor.text == "Alert threshold too high"
    assert items["Rewrite gateway"].wont_do_reason == "Too big; covered by CI check."
    assert postmortem.imported_notes == ""
