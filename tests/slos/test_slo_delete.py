"""Deleting an SLO takes its history with it."""

import pytest

from slos.models import SLO, Snapshot

pytestmark = pytest.mark.django_db


def test_it_requires_login(client, offline_source, make_slo):
    slo = make_slo(offline_source)
    assert client.post(f"/slos/{slo.pk}/delete/").status_code == 302
    assert SLO.objects.exists()


def test_it_refuses_get(admin_client, offline_source, make_slo):
    slo = make_slo(offline_source)
    assert admin_client.get(f"/slos/{slo.pk}/delete/").status_code == 405
    assert SLO.objects.exists()


def test_it_deletes_the_slo_and_its_snapshots(admin_client, offline_source, make_slo,
                                              record_poll):
    slo = make_slo(offline_source)
    record_poll(slo, error_ratio=0.0001)
    response = admin_client.post(f"/slos/{slo.pk}/delete/", follow=True)
    assert "Deleted “Availability”" in response.content.decode()
    assert not SLO.objects.exists() and not Snapshot.objects.exists()


def test_an_unknown_slo_is_404(admin_client):
    assert admin_client.post("/slos/999/delete/").status_code == 404
