"""POST /api/v1/alertmanager/ with Alertmanager's webhook payloads (version 4; the firing one
is shaped as the real Alertmanager sends it, see test_alertmanager_live.py): incidents open
and join by group key, entries at the alerts' own times, re-deliveries add nothing, all
resolved is said on the incident but does not resolve it."""

import copy
import json
from datetime import UTC, datetime
from pathlib import Path

import pytest

from postmortems.intake import ALL_RESOLVED_NOTE
from postmortems.models import Incident, TimelineEntry

pytestmark = pytest.mark.django_db

URL = "/api/v1/alertmanager/"
TOKEN = "am-secret-for-tests"
FIRING = json.loads((Path(__file__).parent / "payloads" / "fast_burn_firing.json").read_text())


@pytest.fixture(autouse=True)
def token(settings):
    settings.ALERTMANAGER_TOKEN = TOKEN


def deliver(client, payload, token=TOKEN):
    return client.post(URL, json.dumps(payload), content_type="application/json",
                       HTTP_AUTHORIZATION=f"Bearer {token}")


def resolved(payload, ends_at="2026-11-30T02:31:09.9Z"):
    payload = copy.deepcopy(payload)
    payload["status"] = "resolved"
    for alert in payload["alerts"]:
        alert["status"] = "resolved"
        alert["endsAt"] = ends_at
    return payload


def entries(incident):
    return list(TimelineEntry.objects.filter(postmortem__incident=incident)
                .values_list("at", "kind", "text"))


def test_without_the_setting_the_endpoint_is_off(client, settings):
    settings.ALERTMANAGER_TOKEN = ""
    assert deliver(client, FIRING).status_code == 404


@pytest.mark.parametrize("header", ["", "Bearer wrong", f"Basic {TOKEN}"])
def test_a_wrong_token_gets_401(client, header):
    response = client.post(URL, json.dumps(FIRING), content_type="application/json",
                           HTTP_AUTHORIZATION=header)
    assert response.status_code == 401
    assert not Incident.objects.exists()


def test_a_firing_group_opens_an_incident_with_its_slo_and_service(
        client, make, offline_source, make_slo):
    checkout = make.service("Checkout")
    slo = make_slo(offline_source, name="Availability")
    assert slo.slug == "checkout-availability"
    response = deliver(client, FIRING)
    assert response.status_code == 200, response.json()
    assert response.json()["opened"] is True
    incident = Incident.objects.get(pk=response.json()["incident"])
    assert incident.title == "Availability: burning the error budget 14.4x over 1h and 5m"
    assert incident.severity == Incident.Severity.SEV1  # critical
    assert list(incident.services.all()) == [checkout]
    assert [impact.slo for impact in incident.slo_impacts.all()] == [slo]
    fired_at = datetime(2026, 11, 30, 2, 10, 7, tzinfo=UTC)
    assert incident.started_at == fired_at and incident.status == "open"
    assert entries(incident) == [(fired_at, "alert", "Alert fired: SLOFastBurn: Availability: "
                                  "burning the error budget 14.4x over 1h and 5m")]


def test_a_re_delivery_adds_nothing(client):
    first = deliver(client, FIRING).json()
    again = deliver(client, FIRING).json()
    assert again == {"incident": first["incident"], "opened": False,
                     "timeline_entries_added": 0, "all_resolved": False}
    assert Incident.objects.count() == 1 and TimelineEntry.objects.count() == 1


def test_resolving_every_alert_says_so_but_leaves_the_incident_open(client):
    incident_id = deliver(client, FIRING).json()["incident"]
    body = deliver(client, resolved(FIRING)).json()
    assert body["incident"] == incident_id and body["all_resolved"] is True
    assert body["timeline_entries_added"] == 2
    incident = Incident.objects.get(pk=incident_id)
    assert incident.status == "open"
    ended = datetime(2026, 11, 30, 2, 31, 9, tzinfo=UTC)
    assert entries(incident)[1:] == [
        (ended, "note", "Alert resolved: SLOFastBurn: Availability: burning the error budget "
                        "14.4x over 1h and 5m"),
        (ended, "note", ALL_RESOLVED_NOTE)]
    assert incident.alert_groups.get().all_resolved_at == ended
    assert deliver(client, resolved(FIRING)).json()["timeline_entries_added"] == 0
    page = client.get(f"/incidents/{incident_id}/")  # anonymous: the page needs a login
    assert page.status_code == 302


def test_a_second_alert_of_the_group_joins_the_incident(client):
    incident_id = deliver(client, FIRING).json()["incident"]
    payload = copy.deepcopy(FIRING)
    second = copy.deepcopy(payload["alerts"][0])
    second.update(fingerprint="77aa", startsAt="2026-11-30T02:12:00Z")
    second["labels"] = {**second["labels"], "severity": "warning", "alertname": "SLOSlowBurn"}
    payload["alerts"].append(second)
    body = deliver(client, payload).json()
    assert body == {"incident": incident_id, "opened": False, "timeline_entries_added": 1,
                    "all_resolved": False}


def test_the_same_group_after_the_incident_is_resolved_opens_a_new_one(client):
    first = deliver(client, FIRING).json()["incident"]
    incident = Incident.objects.get(pk=first)
    incident.status, incident.resolved_at = "resolved", incident.started_at
    incident.save()
    payload = copy.deepcopy(FIRING)
    payload["alerts"][0]["startsAt"] = "2026-12-01T08:00:00Z"
    second = deliver(client, payload).json()
    assert second["opened"] is True and second["incident"] != first


def test_the_severity_map_is_configurable(client, settings):
    settings.ALERTMANAGER_SEVERITY_MAP = {"critical": 2}
    incident_id = deliver(client, FIRING).json()["incident"]
    assert Incident.objects.get(pk=incident_id).severity == 2
    payload = copy.deepcopy(FIRING)
    payload["groupKey"] = "another"
    payload["alerts"][0]["labels"]["severity"] = "unheard-of"
    settings.ALERTMANAGER_DEFAULT_SEVERITY = 4
    assert Incident.objects.get(pk=deliver(client, payload).json()["incident"]).severity == 4


@pytest.mark.parametrize(("change", "field"), [
    (lambda p: p.pop("groupKey"), "groupKey"),
    (lambda p: p.update(alerts=[]), "alerts"),
    (lambda p: p.update(version="3"), "version"),
    (lambda p: p["alerts"][0].update(startsAt="yesterday"), "alerts"),
    (lambda p: p["alerts"][0].update(status="pending"), "alerts"),
])
def test_a_malformed_payload_is_a_400_naming_the_field(client, change, field):
    payload = copy.deepcopy(FIRING)
    change(payload)
    response = deliver(client, payload)
    assert response.status_code == 400
    assert field in response.json()["errors"]
    assert not Incident.objects.exists()


def test_not_json_is_a_400(client):
    response = client.post(URL, "{not json", content_type="application/json",
                           HTTP_AUTHORIZATION=f"Bearer {TOKEN}")
    assert response.status_code == 400 and response.json()["code"] == "parse_error"


def test_the_incident_page_says_every_alert_resolved(client, editor):
    incident_id = deliver(client, FIRING).json()["incident"]
    deliver(client, resolved(FIRING))
    client.force_login(editor)
    page = client.get(f"/incidents/{incident_id}/").content.decode()
    assert "Every alert of this group resolved" in page
    assert "2026-11-30 02:31:09 UTC" in page and "stays open until a person resolves it" in page
