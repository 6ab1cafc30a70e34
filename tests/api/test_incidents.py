"""/api/v1/incidents/: the incident rules and roles of the pages, as JSON."""

import pytest

from postmortems.models import Incident
from tests.factories import T0

pytestmark = pytest.mark.django_db

URL = "/api/v1/incidents/"


def test_anonymous_callers_get_401_json(api):
    response = api().get(URL)
    assert response.status_code == 401
    assert response.json()["code"] == "not_authenticated"
    assert response["WWW-Authenticate"].startswith("Bearer")


def test_a_revoked_token_gets_401(api, viewer):
    client = api(viewer)
    viewer.api_tokens.all().delete()
    assert client.get(URL).status_code == 401


def test_a_viewer_lists_incidents_with_filters_and_pages(api, viewer, make):
    checkout = make.service("Checkout")
    make.incident("Checkout errors", services=[checkout], severity=1)
    make.incident("Search slow", severity=3)
    client = api(viewer)
    body = client.get(URL).json()
    assert body["count"] == 2 and {i["title"] for i in body["results"]} == {
        "Checkout errors", "Search slow"}
    (only,) = client.get(URL, {"service": "checkout"}).json()["results"]
    assert only["title"] == "Checkout errors" and only["services"] == ["checkout"]
    assert only["postmortem_required_reasons"] == ["Severity is SEV1 – critical."]  # noqa: RUF001
    assert client.get(URL, {"severity": 3}).json()["count"] == 1
    page = client.get(URL, {"page_size": 1}).json()
    assert len(page["results"]) == 1 and page["next"]


def test_a_bad_filter_is_a_400_with_the_field(api, viewer):
    response = api(viewer).get(URL, {"severity": "high", "started_after": "yesterday"})
    assert response.status_code == 400
    assert set(response.json()["errors"]) == {"severity", "started_after"}


def test_an_editor_creates_an_incident(api, editor, make):
    make.service("Checkout")
    response = api(editor).post(URL, {
        "title": "Payments down", "severity": 2, "services": ["checkout"],
        "started_at": "2026-03-04T10:00:00Z", "owner": "erin"}, format="json")
    assert response.status_code == 201, response.json()
    incident = Incident.objects.get(pk=response.json()["id"])
    assert incident.owner == editor and incident.version == 1
    assert list(incident.services.values_list("slug", flat=True)) == ["checkout"]


def test_a_viewer_may_not_create(api, viewer):
    response = api(viewer).post(URL, {"title": "x", "started_at": "2026-03-04T10:00:00Z"})
    assert response.status_code == 403
    assert "editor role" in response.json()["detail"]


def test_a_read_token_may_not_write(api, editor):
    response = api(editor, scope="read").post(
        URL, {"title": "x", "started_at": "2026-03-04T10:00:00Z"})
    assert response.status_code == 403
    assert "read-only" in response.json()["detail"]
    assert not Incident.objects.exists()


def test_the_model_rules_refuse_bad_times_per_field(api, editor):
    response = api(editor).post(URL, {
        "title": "Backwards", "started_at": "2026-03-04T10:00:00Z",
        "detected_at": "2026-03-04T09:00:00Z", "status": "resolved"}, format="json")
    assert response.status_code == 400
    errors = response.json()["errors"]
    assert "Detected cannot be before started" in errors["detected_at"][0]
    assert errors["resolved_at"] == ["A resolved incident needs its resolved time."]


def test_the_owner_changes_their_incident_a_stranger_may_not(api, owner, viewer, make):
    incident = make.incident(owner=owner)
    change = {"title": "Renamed", "version": 1}
    assert api(viewer).patch(f"{URL}{incident.pk}/", change).status_code == 403
    response = api(owner).patch(f"{URL}{incident.pk}/", change)
    assert response.status_code == 200
    assert response.json()["title"] == "Renamed" and response.json()["version"] == 2


def test_a_change_needs_the_version_it_is_based_on(api, editor, make):
    incident = make.incident()
    response = api(editor).patch(f"{URL}{incident.pk}/", {"title": "x"})
    assert response.status_code == 400
    assert "version" in response.json()["errors"]


def test_only_an_admin_deletes(api, editor, admin, make):
    incident = make.incident()
    assert api(editor).delete(f"{URL}{incident.pk}/").status_code == 403
    assert api(admin).delete(f"{URL}{incident.pk}/").status_code == 204
    assert not Incident.objects.exists()


def test_a_missing_incident_is_a_404_json(api, viewer):
    response = api(viewer).get(f"{URL}999999/")
    assert response.status_code == 404 and response.json()["code"] == "not_found"


def test_the_list_costs_a_fixed_number_of_queries(api, viewer, make,
                                                  django_assert_num_queries):
    checkout = make.service("Checkout")
    for n in range(5):
        make.incident(f"Incident {n}", services=[checkout], started_at=T0)
    client = api(viewer)
    # token, its last use, role groups, count, page, services prefetch
    with django_assert_num_queries(6):
        assert client.get(URL).status_code == 200
