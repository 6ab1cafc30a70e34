"""Viewers read the SLO pages; editors change SLOs; data sources and deleting need an admin."""

import pytest
from django.urls import reverse

from accounts.roles import set_role
from slos.models import SLO
from tests.routes import READ_ONLY

pytestmark = pytest.mark.django_db


def test_a_viewer_reads_the_panels(viewer_client, offline_source, make_slo, record_poll):
    slo = make_slo(offline_source)
    record_poll(slo, error_ratio=0.0001)
    assert viewer_client.get("/slos/").status_code == 200
    assert viewer_client.get(f"/slos/{slo.pk}/").status_code == 200


@pytest.mark.parametrize("path", ["/slos/new/", "/slos/import/", "/slos/data-sources/new/"])
def test_a_viewer_cannot_open_the_editing_pages(viewer_client, path):
    assert viewer_client.get(path).status_code == 403


def test_a_viewer_cannot_change_an_slo(viewer_client, offline_source, make_slo):
    slo = make_slo(offline_source)
    assert viewer_client.post(f"/slos/{slo.pk}/edit/", {"name": "x"}).status_code == 403
    assert viewer_client.post(f"/slos/{slo.pk}/poll/").status_code == 403
    assert SLO.objects.get().name == "Availability"


def test_deleting_an_slo_needs_an_admin(editor_client, offline_source, make_slo, editor):
    slo = make_slo(offline_source)
    assert editor_client.post(f"/slos/{slo.pk}/delete/").status_code == 403
    set_role(editor, "admin")
    assert editor_client.post(f"/slos/{slo.pk}/delete/").status_code == 302
    assert not SLO.objects.exists()


def test_a_viewer_sees_no_editing_buttons(viewer_client, offline_source, make_slo):
    slo = make_slo(offline_source)
    assert "New SLO" not in viewer_client.get("/slos/").content.decode()
    assert "Poll now" not in viewer_client.get(f"/slos/{slo.pk}/").content.decode()


@pytest.mark.parametrize("name", sorted(READ_ONLY))
def test_a_viewer_reads_the_monthly_report_which_refuses_posts(viewer_client, offline_source,
                                                               make_slo, name):
    url = reverse(name, args=READ_ONLY[name]({"slo": make_slo(offline_source)}))
    response = viewer_client.get(url)
    assert response.status_code == 200
    if name != "slos:report_csv":
        assert "prometheus could not answer" in response.content.decode().lower()  # offline
    assert viewer_client.post(url).status_code == 405
