"""Every URL of the postmortems app (its meetings and revisions too) that accepts a POST is
listed with the object it acts on, and checked for every role: viewers are refused (403),
editors and admins are let through, the incident owner edits their own postmortem until it is
published; deleting an incident and the trash are for admins only. A new mutating URL fails
test_every_mutating_url_is_listed until it is added to MUTATING in tests/routes.py (and so
tested)."""

import pytest
from django.urls import reverse
from django.utils import timezone

from postmortems.models import TimelineEntry
from tests.routes import (
    ADMIN_PAGES,
    MUTATING,
    NEEDS_ADMIN_ROLE,
    NEEDS_EDITOR_ROLE,
    mutating_url_names,
)

pytestmark = pytest.mark.django_db


def test_every_mutating_url_is_listed():
    assert mutating_url_names() == set(MUTATING)


def post(client, user, name, world):
    args_of, data = MUTATING[name]
    client.force_login(user)
    return client.post(reverse(name, args=args_of(world)), data)


@pytest.mark.parametrize("name", sorted(MUTATING))
def test_a_viewer_is_refused(client, viewer, world, name):
    assert post(client, viewer, name, world).status_code == 403


@pytest.mark.parametrize("role", ["editor", "admin"])
@pytest.mark.parametrize("name", sorted(MUTATING))
def test_editors_and_admins_may(client, request, world, name, role):
    user = request.getfixturevalue(role)  # the editor or the admin persona
    status = post(client, user, name, world).status_code
    if name in NEEDS_ADMIN_ROLE and role == "editor":
        assert status == 403
    else:
        assert status != 403


@pytest.mark.parametrize("name", sorted(MUTATING))
def test_the_incident_owner_edits_their_own(client, world, name):
    status = post(client, world["owner"], name, world).status_code
    if name in NEEDS_EDITOR_ROLE | NEEDS_ADMIN_ROLE:
        assert status == 403
    else:
        assert status != 403


@pytest.mark.parametrize("name", sorted(NEEDS_ADMIN_ROLE) + sorted(ADMIN_PAGES))
@pytest.mark.parametrize("role", ["viewer", "editor", "owner"])
def test_the_trash_is_for_admins_only(client, request, world, name, role):
    user = world["owner"] if role == "owner" else request.getfixturevalue(role)
    client.force_login(user)
    if name in ADMIN_PAGES:
        assert client.get(reverse(name, args=ADMIN_PAGES[name](world))).status_code == 403
        return
    url = reverse(name, args=MUTATING[name][0](world))
    assert client.get(url).status_code in (403, 405)
    assert client.post(url).status_code == 403


@pytest.mark.parametrize("name", sorted(set(MUTATING) - NEEDS_EDITOR_ROLE - NEEDS_ADMIN_ROLE))
def test_a_published_postmortem_is_editable_by_editors_only(client, editor, world, name):
    postmortem = world["postmortem"]
    postmortem.state = postmortem.State.PUBLISHED
    postmortem.published_at = timezone.now()
    postmortem.save()
    assert post(client, world["owner"], name, world).status_code == 403
    assert post(client, editor, name, world).status_code != 403


# The meeting screen edits the timeline through the editor's views, naming the meeting.
FROM_THE_MEETING = ["postmortems:timeline_add", "postmortems:timeline_edit",
                    "postmortems:timeline_delete"]


@pytest.mark.parametrize("name", FROM_THE_MEETING)
def test_the_timeline_edited_from_the_meeting_checks_the_role(client, viewer, editor, world,
                                                             name):
    args_of, data = MUTATING[name]
    url = reverse(name, args=args_of(world)) + f"?meeting={world['meeting'].pk}"
    client.force_login(viewer)
    assert client.post(url, data).status_code == 403
    client.force_login(editor)
    assert client.post(url, data).status_code != 403


def test_a_user_without_a_group_has_the_default_role(client, django_user_model, outsider, world,
                                                      settings):
    plain = outsider
    settings.POSTMORTEMS_DEFAULT_ROLE = "viewer"
    assert post(client, plain, "meetings:decision_add", world).status_code == 403
    plain = django_user_model.objects.get(pk=plain.pk)  # a fresh request
    settings.POSTMORTEMS_DEFAULT_ROLE = "editor"
    assert post(client, plain, "meetings:decision_add", world).status_code != 403


@pytest.mark.parametrize("name", sorted(MUTATING))
def test_get_is_not_a_way_around(client, viewer, world, name):
    """A GET never changes anything: it is refused (405 or 403), shows a form, or sends a
    reader to the readable page (302)."""
    client.force_login(viewer)
    args_of, _ = MUTATING[name]
    before = TimelineEntry.history.count()
    response = client.get(reverse(name, args=args_of(world)))
    assert response.status_code in (200, 302, 403, 405)
    assert TimelineEntry.history.count() == before

