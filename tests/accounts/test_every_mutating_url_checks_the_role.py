"""Every URL of the postmortems app (its meetings and revisions too) that accepts a POST is
listed here with the object it acts on, and checked for every role: viewers are refused (403),
editors and admins are let through, the incident owner edits their own postmortem until it is
published. A new mutating URL fails test_every_mutating_url_is_listed until it is added to
MUTATING (and so tested)."""

import inspect

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse
from django.utils import timezone

from postmortems.models import TimelineEntry
from tests.config.test_login_wall import all_patterns

pytestmark = pytest.mark.django_db

NAMESPACES = ("postmortems", "meetings", "revisions")


def allowed_methods(view):
    """The methods a view accepts, read from its require_http_methods decorator (None: any)."""
    while view is not None:
        nonlocals = inspect.getclosurevars(view).nonlocals
        if "request_method_list" in nonlocals:
            return set(nonlocals["request_method_list"])
        view = getattr(view, "__wrapped__", None)
    return None


def mutating_url_names():
    names = set()
    for name, _route, pattern in all_patterns():
        if not name or name.split(":")[0] not in NAMESPACES:
            continue
        methods = allowed_methods(pattern.callback)
        if methods is None or "POST" in methods:
            names.add(name)
    return names


def incident(w):
    return [w["incident"].pk]


# name → (URL args from the world, POST data). Data is plausible; validity does not matter:
# the role is checked before the form.
MUTATING = {
    "postmortems:incident_create": (lambda w: [], {"title": "x"}),
    "postmortems:incident_import": (lambda w: [], {"text": "# nothing"}),
    "postmortems:incident_edit": (incident, {"title": "x"}),
    "postmortems:postmortem_start": (incident, {"template": "standard"}),
    "postmortems:postmortem_edit": (incident, {"executive_summary": "x"}),
    "postmortems:postmortem_switch": (incident, {}),
    "postmortems:postmortem_state": (incident, {"action": "review"}),
    "postmortems:timeline_add": (incident, {"entry-text": "x"}),
    "postmortems:timeline_paste": (incident, {"paste-lines": "10:00 x"}),
    "postmortems:key_time_edit": (lambda w: [w["incident"].pk, "detected_at"],
                                  {"key-detected_at": "2026-03-04T10:05:00"}),
    "postmortems:timeline_edit": (lambda w: [w["entry"].pk], {"edit-text": "x"}),
    "postmortems:timeline_delete": (lambda w: [w["entry"].pk], {}),
    "postmortems:why_add": (incident, {"why-question": "Why?"}),
    "postmortems:why_edit": (lambda w: [w["why"].pk], {"why-question": "Why?"}),
    "postmortems:why_delete": (lambda w: [w["why"].pk], {}),
    "postmortems:factor_add": (incident, {"factor-text": "x"}),
    "postmortems:factor_delete": (lambda w: [w["factor"].pk], {}),
    "postmortems:action_add": (incident, {"action-text": "x"}),
    "postmortems:action_edit": (lambda w: [w["item"].pk], {"action-text": "x"}),
    "meetings:start": (incident, {}),
    "meetings:notes": (lambda w: [w["meeting"].pk, "opening"], {"notes-opening-notes": "x"}),
    "meetings:timing": (lambda w: [w["meeting"].pk], {"opening": "60"}),
    "meetings:attendee_add": (lambda w: [w["meeting"].pk], {"attendee-name": "Guest 2"}),
    "meetings:attendee_remove": (lambda w: [w["meeting"].pk, w["attendee"].pk], {}),
    "meetings:dissent_add": (lambda w: [w["meeting"].pk],
                             {"dissent-name": "Kim", "dissent-text": "No"}),
    "meetings:dissent_delete": (lambda w: [w["meeting"].pk, w["dissent"].pk], {}),
    "meetings:decision_add": (lambda w: [w["meeting"].pk], {"decision-text": "Yes"}),
    "meetings:decision_delete": (lambda w: [w["meeting"].pk, w["decision"].pk], {}),
    "meetings:item_add": (lambda w: [w["meeting"].pk], {"item-new-text": "x"}),
    "meetings:item_edit": (lambda w: [w["meeting"].pk, w["item"].pk], {"item-x-text": "x"}),
    "meetings:item_accept_orphan": (lambda w: [w["meeting"].pk, w["item"].pk],
                                    {"accept-x-reason": "fine"}),
    "meetings:close": (lambda w: [w["meeting"].pk], {}),
    "revisions:restore": (lambda w: ["timelineentry", w["deleted_entry"].history_id], {}),
    "revisions:conflict_discard": (lambda w: [w["conflict"].pk], {"next": "/"}),
}
# Creating incidents is not "editing one's own": it needs the editor role.
NEEDS_EDITOR_ROLE = {"postmortems:incident_create", "postmortems:incident_import"}


def test_every_mutating_url_is_listed():
    assert mutating_url_names() == set(MUTATING)


def user_with(django_user_model, name, role):
    user = django_user_model.objects.create_user(name)
    user.groups.add(Group.objects.get_or_create(name=role)[0])
    return user


def post(client, user, name, world):
    args_of, data = MUTATING[name]
    client.force_login(user)
    return client.post(reverse(name, args=args_of(world)), data)


@pytest.mark.parametrize("name", sorted(MUTATING))
def test_a_viewer_is_refused(client, django_user_model, world, name):
    viewer = user_with(django_user_model, "victor", "viewer")
    assert post(client, viewer, name, world).status_code == 403


@pytest.mark.parametrize("role", ["editor", "admin"])
@pytest.mark.parametrize("name", sorted(MUTATING))
def test_editors_and_admins_may(client, django_user_model, world, name, role):
    user = user_with(django_user_model, role, role)
    assert post(client, user, name, world).status_code != 403


@pytest.mark.parametrize("name", sorted(MUTATING))
def test_the_incident_owner_edits_their_own(client, world, name):
    status = post(client, world["owner"], name, world).status_code
    if name in NEEDS_EDITOR_ROLE:
        assert status == 403
    else:
        assert status != 403


@pytest.mark.parametrize("name", sorted(set(MUTATING) - NEEDS_EDITOR_ROLE))
def test_a_published_postmortem_is_editable_by_editors_only(
        client, django_user_model, world, name):
    postmortem = world["postmortem"]
    postmortem.state = postmortem.State.PUBLISHED
    postmortem.published_at = timezone.now()
    postmortem.save()
    assert post(client, world["owner"], name, world).status_code == 403
    editor = user_with(django_user_model, "erin", "editor")
    assert post(client, editor, name, world).status_code != 403


# The meeting screen edits the timeline through the editor's views, naming the meeting.
FROM_THE_MEETING = ["postmortems:timeline_add", "postmortems:timeline_edit",
                    "postmortems:timeline_delete"]


@pytest.mark.parametrize("name", FROM_THE_MEETING)
def test_the_timeline_edited_from_the_meeting_checks_the_role(client, django_user_model, world,
                                                             name):
    args_of, data = MUTATING[name]
    url = reverse(name, args=args_of(world)) + f"?meeting={world['meeting'].pk}"
    client.force_login(user_with(django_user_model, "victor", "viewer"))
    assert client.post(url, data).status_code == 403
    client.force_login(user_with(django_user_model, "erin", "editor"))
    assert client.post(url, data).status_code != 403


def test_a_user_without_a_group_has_the_default_role(client, django_user_model, world, settings):
    plain = django_user_model.objects.create_user("pat")
    settings.POSTMORTEMS_DEFAULT_ROLE = "viewer"
    assert post(client, plain, "meetings:decision_add", world).status_code == 403
    plain = django_user_model.objects.get(pk=plain.pk)  # a fresh request
    settings.POSTMORTEMS_DEFAULT_ROLE = "editor"
    assert post(client, plain, "meetings:decision_add", world).status_code != 403


@pytest.mark.parametrize("name", sorted(MUTATING))
def test_get_is_not_a_way_around(client, django_user_model, world, name):
    """A GET never changes anything: it is refused (405 or 403), shows a form, or sends a
    reader to the readable page (302)."""
    viewer = user_with(django_user_model, "victor", "viewer")
    client.force_login(viewer)
    args_of, _ = MUTATING[name]
    before = TimelineEntry.history.count()
    response = client.get(reverse(name, args=args_of(world)))
    assert response.status_code in (200, 302, 403, 405)
    assert TimelineEntry.history.count() == before

