"""No 500 on any bad input: malformed values posted to every form give 200/400 with an error
message, and nothing already saved is lost."""

from datetime import timedelta

import pytest

from postmortems.documents.export import export_markdown
from postmortems.models import ActionItem, Incident
from tests.factories import T0

pytestmark = pytest.mark.django_db

HUGE = "x" * 100_000
NUL = "bad\x00value"
ERROR_MARKERS = ("invalid-feedback", "errorlist", "alert-danger", "could not be read")


@pytest.fixture
def saved(make, editor):
    incident = make.incident(owner=editor, summary="Saved summary",
                             resolved_at=T0 + timedelta(hours=1))
    pm = make.postmortem(incident, executive_summary="Saved executive summary")
    entry = make.timeline_entry(pm, T0, "Saved entry")
    why = make.why(pm, 1, "Saved question?", "Saved answer")
    item = make.action_item(incident, "Saved action", owner=editor)
    other = make.postmortem(make.incident("Another incident"))
    foreign_why = make.why(other, 1, "Foreign?", "Foreign")
    return {"incident": incident, "pm": pm, "entry": entry, "why": why, "item": item,
            "foreign_why": foreign_why}


def snapshot():
    return (
        [export_markdown(incident.postmortem) for incident in
         Incident.objects.filter(postmortem__isnull=False).order_by("pk")],
        list(Incident.objects.order_by("pk").values()),
        list(ActionItem.objects.order_by("pk").values()),
    )


def cases(s):
    i, e, w, a = s["incident"].pk, s["entry"].pk, s["why"].pk, s["item"].pk
    incident_bad = [
        {"title": "", "severity": "1", "status": "open", "started_at": "2026-03-04T10:00"},
        {"title": HUGE, "severity": "1", "status": "open", "started_at": "2026-03-04T10:00"},
        {"title": NUL, "severity": "1", "status": "open", "started_at": "2026-03-04T10:00"},
        {"title": "t", "severity": "99", "status": "open", "started_at": "2026-03-04T10:00"},
        {"title": "t", "severity": "abc", "status": "nope", "started_at": "2026-02-30T10:00"},
        {"title": "t", "severity": "1", "status": "open", "started_at": "99999-01-01T00:00"},
        {"title": "t", "severity": "1", "status": "open", "started_at": "2026-03-04T10:00",
         "detected_at": "2026-03-04T09:00", "owner": "999999", "services": ["x", "-1"]},
    ]
    document_bad = [
        {"executive_summary": NUL},
        {"customers_affected": "-5"},
        {"customers_affected": "99999999999999999999"},
        {"impact_minutes": "ten"},
        {"revenue_impact": "1e400", "revenue_currency": "USD"},
        {"revenue_impact": "12345678901234567890.00", "revenue_currency": "USD"},
        {"support_tickets": "1.5"},
    ]
    action_bad = [
        {"action-priority": "P9", "action-text": "x", "action-status": "open"},
        {"action-priority": "P1", "action-text": "", "action-status": "open"},
        {"action-priority": "P1", "action-text": HUGE, "action-status": "open"},
        {"action-priority": "P1", "action-text": "x", "action-status": "open",
         "action-due": "2026-13-45"},
        {"action-priority": "P1", "action-text": "x", "action-status": "open",
         "action-owner": "not-a-number"},
        {"action-priority": "P1", "action-text": "x", "action-status": "open",
         "action-addresses_why": str(s["foreign_why"].pk)},
        {"action-priority": "P1", "action-text": "x", "action-status": "wont_do"},
        {"action-priority": "P1", "action-text": NUL, "action-status": "open"},
    ]
    entry_bad = [
        {"{p}-at": "", "{p}-kind": "note", "{p}-text": "x"},
        {"{p}-at": "2026-03-04T25:00", "{p}-kind": "note", "{p}-text": "x"},
        {"{p}-at": "2026-03-04T10:00", "{p}-kind": "party", "{p}-text": "x"},
        {"{p}-at": "2026-03-04T10:00", "{p}-kind": "note", "{p}-text": ""},
        {"{p}-at": "2026-03-04T10:00", "{p}-kind": "note", "{p}-text": NUL},
    ]
    why_bad = [
        {"why-question": "", "why-answer": "x"},
        {"why-question": NUL, "why-answer": "x"},
        {"why-question": "q", "why-answer": NUL},
    ]
    yield from ((f"/incidents/{i}/edit/", data) for data in incident_bad)
    yield from (("/incidents/new/", data) for data in incident_bad)
    yield from ((f"/incidents/{i}/postmortem/", data) for data in document_bad)
    yield from ((f"/incidents/{i}/actions/new/", data) for data in action_bad)
    yield from ((f"/actions/{a}/edit/", data) for data in action_bad)
    for data in entry_bad:
        yield f"/incidents/{i}/timeline/", {k.format(p="entry"): v for k, v in data.items()}
        yield f"/timeline/{e}/edit/", {k.format(p=f"edit-{e}"): v for k, v in data.items()}
    yield from ((f"/incidents/{i}/whys/", data) for data in why_bad)
    yield from ((f"/whys/{w}/edit/", data) for data in why_bad)
    yield f"/incidents/{i}/factors/", {"factor-text": ""}
    yield f"/incidents/{i}/factors/", {"factor-text": NUL}
    yield f"/incidents/{i}/timeline/paste/", {"paste-lines": ""}
    yield f"/incidents/{i}/timeline/paste/", {"paste-lines": NUL}
    yield f"/incidents/{i}/timeline/paste/", {"paste-lines": "99:99 x\n2026-99-99T10:00Z y"}
    yield "/incidents/import/", {"text": ""}
    yield "/incidents/import/", {"text": "# T\n\n**Date:** x\x00"}
    yield "/incidents/import/", {"text": HUGE}


def test_malformed_values_never_cause_a_500_nor_lose_data(editor_client, saved):
    before = snapshot()
    checked = 0
    for url, data in cases(saved):
        for htmx in ({}, {"HTTP_HX_REQUEST": "true"}):
            response = editor_client.post(url, data, **htmx)
            assert response.status_code in (200, 400), (url, data, response.status_code)
            content = response.content.decode()
            assert any(marker in content for marker in ERROR_MARKERS), (url, data)
            checked += 1
    assert checked > 100
    assert snapshot() == before


@pytest.mark.parametrize("url", [
    "/incidents/?severity=%00&status=zz&service=abc&started_from=2026-99-01&postmortem=x&page=-1",
    "/actions/?status=zz&owner=x&priority=P9&service=-1&sort=evil&page=99999",
    "/actions/export.csv?service=abc&sort=evil",
    "/blameless-check/?text=%00",
])
def test_malformed_filters_never_cause_a_500(editor_client, saved, url):
    assert editor_client.get(url).status_code == 200


FAR_PAGE = "99999999999999999999999"  # an offset of pages this far is past the database's integers


@pytest.mark.parametrize(("url", "status"), [
    (f"/incidents/?page={FAR_PAGE}", 200),
    (f"/incidents/?page=-{FAR_PAGE}", 200),
    (f"/incidents/?severity=1&page={FAR_PAGE}", 200),
    (f"/actions/?page={FAR_PAGE}", 200),
    (f"/actions/?overdue=on&page={FAR_PAGE}", 200),
    (f"/slos/?page={FAR_PAGE}", 200),
    (f"/api/slos/?page={FAR_PAGE}", 404),
])
def test_a_page_past_any_list_s_end_is_its_last_page_not_a_500(editor_client, saved, url,
                                                               status):
    """Lists read their page's rows before knowing their number of pages (one round trip):
    a page number past what the database's integers hold is the last page (the API: 404)."""
    response = editor_client.get(url)
    assert response.status_code == status
    if status == 404:
        assert "no page 99999999999999999999999" in response.json()["error"]


def test_a_missing_object_is_a_404(editor_client):
    for url in ["/incidents/999999/", "/incidents/999999/postmortem/", "/timeline/999999/edit/",
                "/whys/999999/edit/", "/actions/999999/edit/"]:
        assert editor_client.get(url).status_code == 404


@pytest.mark.parametrize("pk", ["9223372036854775808", "99999999999999999999"])
def test_an_id_past_the_largest_is_a_404(editor_client, saved, pk):
    """Past a bigint: a missing postmortem, not a database error (its statement is prepared
    with a bigint parameter), on the editor, its sections and its live feed; the editor of an
    existing one is still shown after."""
    for url in [f"/incidents/{pk}/postmortem/", f"/incidents/{pk}/postmortem/sections/whys/",
                f"/incidents/{pk}/postmortem/live/", f"/incidents/{pk}/postmortem/print/"]:
        assert editor_client.get(url).status_code == 404
    assert editor_client.get(f"/incidents/{saved['pm'].incident_id}/postmortem/").status_code == 200
