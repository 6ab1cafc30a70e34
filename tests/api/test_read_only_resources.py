"""Services, meetings and SLOs (with their figures and gate) are read over the API."""

import pytest

pytestmark = pytest.mark.django_db


def test_services_by_slug(api, viewer, make):
    make.service("Checkout", team="Payments")
    client = api(viewer)
    assert client.get("/api/v1/services/").json()["results"][0]["slug"] == "checkout"
    assert client.get("/api/v1/services/checkout/").json()["team"] == "Payments"
    assert client.post("/api/v1/services/", {"name": "x"}).status_code == 405


def test_meetings_with_their_record(api, viewer, meeting):
    meeting.attendees.create(name="Guest")
    meeting.decisions.create(text="Add a canary stage")
    body = api(viewer).get("/api/v1/meetings/", {"closed": "false"}).json()
    (item,) = body["results"]
    assert item["facilitator"] == "Erin" and item["attendees"][-1]["name"] == "Guest"
    assert item["decisions"] == [{"id": meeting.decisions.get().pk,
                                  "text": "Add a canary stage"}]
    assert [s["key"] for s in item["sections"]][:2] == ["opening", "timeline"]
    assert api(viewer).get("/api/v1/meetings/", {"closed": "true"}).json()["count"] == 0


def test_slos_with_their_figures_and_gate(api, viewer, offline_source, make_slo, record_poll):
    slo = make_slo(offline_source, target="99.9")
    record_poll(slo, error_ratio=0.0005)
    client = api(viewer, scope="read")
    (item,) = client.get("/api/v1/slos/", {"service": slo.service.slug}).json()["results"]
    assert item["slug"] == slo.slug and item["target"] == "99.9000"
    assert item["figures"]["budget_remaining"] == pytest.approx(0.5)
    assert item["figures"]["status"] == "ok"
    gate = client.get(f"/api/v1/slos/{slo.pk}/gate/").json()
    assert gate["allowed"] is False and gate["policy"] == "postpone_risky"
