"""Addresses that moved keep working: a permanent redirect that keeps the method (308)."""

import pytest

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(("old", "new"), [
    ("/meetings/{meeting}/record", "/meetings/{meeting}/record/"),
    ("/meetings/{meeting}/changes?since=abc", "/meetings/{meeting}/changes/?since=abc"),
    ("/meetings/{meeting}/close", "/meetings/{meeting}/close/"),
    ("/meetings/{meeting}/timeline/{entry}/edit", "/timeline/{entry}/edit/?meeting={meeting}"),
    ("/meetings/{meeting}/timeline/{entry}/delete/",
     "/timeline/{entry}/delete/?meeting={meeting}"),
    ("/meetings/{meeting}/timeline/add/", "/incidents/{incident}/timeline/?meeting={meeting}"),
    ("/incidents/{incident}/meetings/start", "/incidents/{incident}/meetings/start/"),
    ("/action-items/{item}/history/", "/actions/{item}/history/"),
    ("/history/timelineentry/{entry}/restore", "/history/timelineentry/{entry}/restore/"),
    ("/conflicts/{conflict}/discard", "/conflicts/{conflict}/discard/"),
])
@pytest.mark.parametrize("method", ["get", "post"])
def test_old_url_redirects_permanently_to_its_new_address(client, editor, world, old, new,
                                                           method):
    ids = {"meeting": world["meeting"].pk, "entry": world["entry"].pk,
           "incident": world["incident"].pk, "item": world["item"].pk,
           "conflict": world["conflict"].pk}
    client.force_login(editor)

    response = getattr(client, method)(old.format(**ids))

    assert response.status_code == 308
    assert response["Location"] == new.format(**ids)


def test_every_meeting_and_revision_route_ends_with_a_slash():
    from django.urls import get_resolver

    resolver = get_resolver()
    for namespace in ("meetings", "revisions", "postmortems", "slos"):
        _, patterns = resolver.namespace_dict[namespace]
        for pattern in patterns.url_patterns:
            route = str(pattern.pattern)
            assert route.endswith(("/", ".md", ".csv", ".yml")) or route.endswith("gate"), route
