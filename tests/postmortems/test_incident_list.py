"""The incident list: filters, full-text search over titles, summaries and whys, pagination."""

from datetime import timedelta

import pytest

from postmortems.models import Incident, Postmortem
from tests.factories import T0

pytestmark = pytest.mark.django_db


def titles(response):
    return [incident.title for incident in response.context["page"]]


def test_it_needs_a_login(client):
    response = client.get("/incidents/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_it_refuses_post(editor_client):
    assert editor_client.post("/incidents/").status_code == 405


def test_it_lists_newest_first(editor_client, make):
    make.incident("old", started_at=T0 - timedelta(days=2))
    make.incident("new", started_at=T0)
    assert titles(editor_client.get("/incidents/")) == ["new", "old"]


def test_it_searches_titles_summaries_and_whys_with_stemming(editor_client, make):
    make.incident("Checkout outage")
    make.incident("Search slow", summary="Indexes were **rebuilding** at peak.")
    pm = make.postmortem(make.incident("Login errors"))
    make.why(pm, answer="The connection pools were exhausted by retries.")
    make.incident("Unrelated")
    assert titles(editor_client.get("/incidents/?q=checkout")) == ["Checkout outage"]
    assert titles(editor_client.get("/incidents/?q=rebuild")) == ["Search slow"]
    assert titles(editor_client.get("/incidents/?q=pool+exhausted")) == ["Login errors"]


def test_it_filters_by_severity_status_service_dates_and_postmortem_state(
        editor_client, make):
    checkout = make.service("Checkout")
    make.incident("sev1 open", severity=Incident.Severity.SEV1, services=[checkout])
    done = make.incident("sev1 published", severity=Incident.Severity.SEV1,
                         status=Incident.Status.RESOLVED, resolved_at=T0 + timedelta(hours=1),
                         started_at=T0)
    make.postmortem(done, state=Postmortem.State.PUBLISHED, published_at=T0)
    make.incident("sev4 last year", severity=Incident.Severity.SEV4,
                  started_at=T0 - timedelta(days=365))
    get = editor_client.get
    assert titles(get("/incidents/?severity=1&status=open")) == ["sev1 open"]
    assert titles(get(f"/incidents/?service={checkout.pk}")) == ["sev1 open"]
    assert titles(get("/incidents/?started_to=2025-12-31")) == ["sev4 last year"]
    assert set(titles(get("/incidents/?started_from=2026-01-01"))) == {
        "sev1 open", "sev1 published"}
    assert titles(get("/incidents/?postmortem=needed")) == ["sev1 open"]
    assert titles(get("/incidents/?postmortem=published")) == ["sev1 published"]
    assert set(titles(get("/incidents/?postmortem=none"))) == {"sev1 open", "sev4 last year"}


def test_it_paginates_by_25(editor_client, make):
    for i in range(30):
        make.incident(f"incident {i}", started_at=T0 - timedelta(minutes=i))
    first = editor_client.get("/incidents/")
    second = editor_client.get("/incidents/?page=2")
    assert len(titles(first)) == 25
    assert titles(second) == [f"incident {i}" for i in range(25, 30)]
    assert b"Page 1 of 2" in first.content


def test_bad_filter_values_show_everything_instead_of_failing(editor_client, make):
    make.incident("one")
    response = editor_client.get("/incidents/?severity=x&started_from=yesterday&page=zz")
    assert response.status_code == 200
    assert titles(response) == ["one"]
