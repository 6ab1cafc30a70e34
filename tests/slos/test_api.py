"""The JSON API and the error-budget gate: a session or an API token, else 401 JSON."""

import pytest

from accounts.models import ApiToken

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("path", ["/api/slos/", "/api/slos/1/", "/api/slos/1/gate",
                                  "/api/services/checkout/gate"])
def test_anonymous_callers_get_401_json(client, path):
    response = client.get(path)
    assert response.status_code == 401
    assert "authentication required" in response.json()["error"]
    assert response["WWW-Authenticate"].startswith("Bearer")


def test_a_wrong_token_gets_401(client):
    response = client.get("/api/slos/", HTTP_AUTHORIZATION="Bearer slo_wrong")
    assert response.status_code == 401


def test_other_methods_get_405(editor_client):
    assert editor_client.post("/api/slos/").status_code == 405


def test_the_list_gives_the_panel_figures(editor_client, offline_source, make_slo, record_poll):
    slo = make_slo(offline_source, target="99.9")
    snapshot = record_poll(slo, error_ratio=0.0005,
                           ratios={"5m": 0.001, "30m": 0.001, "1h": 0.002, "6h": 0.0005,
                                   "3d": 0.0005})
    (item,) = editor_client.get("/api/slos/").json()["slos"]
    assert item["name"] == "Availability" and item["target"] == 99.9 and item["window"] == "28d"
    assert item["sli"] == pytest.approx(0.9995)
    assert item["budget_remaining"] == pytest.approx(0.5)
    assert item["burn_rates"]["1h"] == pytest.approx(2.0)
    assert item["time_to_exhaustion_seconds"] == pytest.approx(0.5 * 28 * 86400 / 2)
    assert item["policy"] == "postpone_risky"
    assert item["last_polled_at"] == snapshot.taken_at.isoformat()
    assert item["stale"] is False and item["status"] == "ok"


def test_an_api_token_is_enough(client, editor, offline_source, make_slo, record_poll):
    slo = make_slo(offline_source)
    record_poll(slo, error_ratio=0.0001)
    _, key = ApiToken.issue(editor, "deploys")
    response = client.get(f"/api/slos/{slo.pk}/", HTTP_AUTHORIZATION=f"Bearer {key}")
    assert response.status_code == 200
    assert response.json()["budget_remaining"] == pytest.approx(0.9)


def test_only_a_hash_of_the_token_is_stored(editor):
    token, key = ApiToken.issue(editor, "deploys")
    assert key not in token.key_digest
    assert ApiToken.authenticate(key) == editor


def test_the_gate_allows_risky_changes_with_budget_left(editor_client, offline_source,
                                                        make_slo, record_poll):
    slo = make_slo(offline_source)
    record_poll(slo, error_ratio=0.0001)
    gate = editor_client.get(f"/api/slos/{slo.pk}/gate").json()
    assert gate["allowed"] is True and gate["policy"] == "normal"
    assert gate["budget_remaining"] == pytest.approx(0.9)
    assert "90.0% of the error budget left" in gate["reason"]


def test_the_gate_holds_risky_changes_when_the_budget_is_low(editor_client, offline_source,
                                                             make_slo, record_poll):
    slo = make_slo(offline_source)
    record_poll(slo, error_ratio=0.00095)
    gate = editor_client.get(f"/api/slos/{slo.pk}/gate").json()
    assert gate["allowed"] is False and gate["policy"] == "freeze_non_critical"


def test_the_gate_holds_without_data(editor_client, offline_source, make_slo, record_poll):
    slo = make_slo(offline_source)
    record_poll(slo, status="no_data", fault="nan", error="no traffic")
    gate = editor_client.get(f"/api/slos/{slo.pk}/gate").json()
    assert gate["allowed"] is False and "no current figure" in gate["reason"]


def test_the_service_gate_needs_every_slo_to_allow(editor_client, offline_source, make_slo,
                                                   record_poll, service):
    record_poll(make_slo(offline_source, name="A"), error_ratio=0.0001)
    low = make_slo(offline_source, name="B")
    record_poll(low, error_ratio=0.002)
    gate = editor_client.get(f"/api/services/{service.slug}/gate").json()
    assert gate["allowed"] is False
    assert gate["policy"] == "feature_freeze"
    assert gate["budget_remaining"] == pytest.approx(-1.0)
    assert "B:" in gate["reason"] and len(gate["slos"]) == 2


def test_an_unknown_slo_is_404(editor_client):
    assert editor_client.get("/api/slos/999/").status_code == 404
