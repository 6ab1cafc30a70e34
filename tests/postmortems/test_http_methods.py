"""Every postmortems URL answers only the methods it is for: 405 for the others."""

import pytest

pytestmark = pytest.mark.django_db

POST_ONLY = [
    "/incidents/{i}/postmortem/start/", "/incidents/{i}/postmortem/switch/",
    "/incidents/{i}/postmortem/state/", "/incidents/{i}/timeline/",
    "/incidents/{i}/timeline/paste/", "/incidents/{i}/key-times/detected_at/",
    "/timeline/{e}/delete/", "/incidents/{i}/whys/",
    "/whys/{w}/delete/", "/incidents/{i}/factors/", "/factors/{f}/delete/",
]
GET_ONLY = [
    "/", "/incidents/", "/incidents/{i}/", "/incidents/{i}/postmortem/export.md",
    "/incidents/{i}/postmortem/print/", "/timeline/{e}/", "/actions/", "/actions/export.csv",
    "/blameless-check/",
]
GET_AND_POST = [
    "/incidents/new/", "/incidents/import/", "/incidents/{i}/edit/", "/incidents/{i}/postmortem/",
    "/timeline/{e}/edit/", "/whys/{w}/edit/", "/incidents/{i}/actions/new/", "/actions/{a}/edit/",
]


@pytest.fixture
def ids(make, editor):
    pm = make.postmortem()
    return {"i": pm.incident_id, "e": make.timeline_entry(pm).pk, "w": make.why(pm).pk,
            "f": pm.factors.create(text="f").pk, "a": make.action_item(pm.incident).pk}


@pytest.mark.parametrize("url", POST_ONLY)
def test_post_only_urls_refuse_get(editor_client, ids, url):
    assert editor_client.get(url.format(**ids)).status_code == 405


@pytest.mark.parametrize("url", GET_ONLY)
def test_get_only_urls_refuse_post(editor_client, ids, url):
    assert editor_client.post(url.format(**ids)).status_code == 405


@pytest.mark.parametrize("url", GET_AND_POST)
def test_form_urls_refuse_put_and_delete(editor_client, ids, url):
    assert editor_client.put(url.format(**ids)).status_code == 405
    assert editor_client.delete(url.format(**ids)).status_code == 405
