"""The postmortem editor: both templates, switching, review states, publishing rules."""

import pytest

from postmortems.models import ActionItem, Postmortem

pytestmark = pytest.mark.django_db


def test_it_needs_a_login(client, make):
    assert client.get(f"/incidents/{make.postmortem().incident_id}/postmortem/").status_code == 302


def test_starting_a_postmortem_picks_the_template(editor_client, make, editor):
    incident = make.incident()
    assert editor_client.get(f"/incidents/{incident.pk}/postmortem/start/").status_code == 405
    response = editor_client.post(f"/incidents/{incident.pk}/postmortem/start/",
                                 {"template": "quick"})
    assert response.status_code == 302
    pm = Postmortem.objects.get(incident=incident)
    assert (pm.template, pm.author) == (Postmortem.Template.QUICK, editor)


def test_the_standard_editor_shows_the_sections_in_order(editor_client, make):
    """The summary and the impact figures are the document's own fields: one form, saved in
    place together (one version), so they sit together at the top."""
    pm = make.postmortem()
    content = editor_client.get(f"/incidents/{pm.incident_id}/postmortem/").content.decode()
    order = ["Executive summary", 'id="impact"', 'id="timeline"', "5 whys", 'id="actions"']
    positions = [content.index(marker) for marker in order]
    assert positions == sorted(positions)


def test_saving_the_standard_document(editor_client, make):
    pm = make.postmortem()
    response = editor_client.post(f"/incidents/{pm.incident_id}/postmortem/", {
        "executive_summary": "Short *summary*.", "customers_affected": "120",
        "impact_minutes": "45", "revenue_impact": "99.50", "revenue_currency": "EUR",
        "support_tickets": "3", "impact_notes": ""})
    assert response.status_code == 302
    pm.refresh_from_db()
    assert (pm.executive_summary, pm.customers_affected, str(pm.revenue_impact),
            pm.revenue_currency) == ("Short *summary*.", 120, "99.50", "EUR")


def test_a_bad_currency_is_reported_and_nothing_is_lost(editor_client, make):
    pm = make.postmortem(executive_summary="Before")
    response = editor_client.post(f"/incidents/{pm.incident_id}/postmortem/", {
        "executive_summary": "After", "revenue_impact": "10", "revenue_currency": "E1"})
    assert response.status_code == 400
    assert "three-letter currency code" in response.content.decode()
    assert "After" in response.content.decode()  # what was typed is shown back
    pm.refresh_from_db()
    assert pm.executive_summary == "Before"


def test_the_quick_template_and_switching_to_standard(editor_client, make):
    pm = make.postmortem(template=Postmortem.Template.QUICK)
    response = editor_client.post(f"/incidents/{pm.incident_id}/postmortem/", {
        "what_happened": "Prices were stale.", "trigger": "Bulk update",
        "detection": "Customer report", "resolution": "Cache flush",
        "root_cause_sentence": "The cache ignores bulk updates.", "immediate_fix": "Flush",
        "long_term_fix_ticket": "OPS-7"})
    assert response.status_code == 302
    editor_client.post(f"/incidents/{pm.incident_id}/postmortem/switch/")
    content = editor_client.get(f"/incidents/{pm.incident_id}/postmortem/").content.decode()
    assert "From the quick template" in content
    for text in ["Bulk update", "Customer report", "Cache flush", "OPS-7"]:
        assert text in content
    assert "The cache ignores bulk updates." in content  # now why 1, the root cause


def test_publishing_with_an_orphan_shows_the_list_and_keeps_the_draft(editor_client, make):
    pm = make.postmortem()
    make.action_item(pm.incident, "Add a canary stage", owner=None)
    response = editor_client.post(f"/incidents/{pm.incident_id}/postmortem/state/",
                                 {"action": "publish"}, follow=True)
    content = response.content.decode()
    assert "cannot be published while 1 action item is orphaned" in content
    assert "Add a canary stage" in content and "no owner" in content
    pm.refresh_from_db()
    assert pm.state == Postmortem.State.DRAFT


def test_review_then_publish_then_back_to_draft(editor_client, make, editor):
    pm = make.postmortem()
    make.action_item(pm.incident, owner=editor)
    url = f"/incidents/{pm.incident_id}/postmortem/state/"
    editor_client.post(url, {"action": "review"})
    pm.refresh_from_db()
    assert pm.state == Postmortem.State.IN_REVIEW
    editor_client.post(url, {"action": "publish"})
    pm.refresh_from_db()
    assert pm.state == Postmortem.State.PUBLISHED
    editor_client.post(url, {"action": "draft"})
    pm.refresh_from_db()
    assert (pm.state, pm.published_at) == (Postmortem.State.DRAFT, None)
    response = editor_client.post(url, {"action": "explode"}, follow=True)
    assert "Unknown action" in response.content.decode()


def test_the_export_downloads_markdown_and_the_print_page_renders(editor_client, make):
    pm = make.postmortem(executive_summary="All good.")
    response = editor_client.get(f"/incidents/{pm.incident_id}/postmortem/export.md")
    assert response["Content-Type"].startswith("text/markdown")
    assert response.content.decode().startswith("# Postmortem: Checkout errors\n")
    page = editor_client.get(f"/incidents/{pm.incident_id}/postmortem/print/").content.decode()
    assert "All good." in page and "@media print" not in page  # print CSS is in the sheet


def test_adding_an_action_item_from_the_editor(editor_client, make, editor):
    pm = make.postmortem()
    why = make.why(pm)
    response = editor_client.post(f"/incidents/{pm.incident_id}/actions/new/", {
        "next": f"/incidents/{pm.incident_id}/postmortem/#actions",
        "action-priority": "P1", "action-text": "Canary stage", "action-owner": editor.pk,
        "action-due": "2026-04-01", "action-ticket": "OPS-9", "action-status": "open",
        "action-addresses_why": why.pk})
    assert response.status_code == 302
    assert response["Location"] == f"/incidents/{pm.incident_id}/postmortem/#actions"
    item = ActionItem.objects.get()
    assert (item.text, item.owner, item.addresses_why) == ("Canary stage", editor, why)


def test_an_unsafe_next_url_is_ignored(editor_client, make):
    incident = make.incident()
    response = editor_client.post(f"/incidents/{incident.pk}/actions/new/", {
        "next": "https://evil.example.com/", "action-priority": "P1",
        "action-text": "x", "action-status": "open"})
    assert response["Location"] == f"/incidents/{incident.pk}/#actions"
