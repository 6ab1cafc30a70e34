"""Personas and a postmortem under review, for the meeting, concurrency and history tests."""

import pytest
from django.contrib.auth.models import Group

from postmortems.models import EditConflict, Meeting, TimelineEntry
from tests.postmortems import factories


@pytest.fixture
def make():
    return factories


def _user(django_user_model, name, role=None, **fields):
    user = django_user_model.objects.create_user(
        name, f"{name}@example.com", f"{name}-password", first_name=name.capitalize(), **fields
    )
    if role:
        user.groups.add(Group.objects.get_or_create(name=role)[0])
    return user


@pytest.fixture
def editor(django_user_model):
    return _user(django_user_model, "erin", "editor")


@pytest.fixture
def viewer(django_user_model):
    return _user(django_user_model, "victor", "viewer")


@pytest.fixture
def admin_user(django_user_model):
    return _user(django_user_model, "ada", "admin")


@pytest.fixture
def owner(django_user_model):
    """A viewer who owns the incident: edits their own."""
    return _user(django_user_model, "olga", "viewer")


@pytest.fixture
def postmortem(make, owner):
    incident = make.incident(title="Checkout errors", owner=owner)
    return make.postmortem(incident)


@pytest.fixture
def meeting(postmortem, editor):
    return Meeting.start(postmortem, editor)


@pytest.fixture
def editor_client(client, editor):
    client.force_login(editor)
    return client


@pytest.fixture
def world(make, django_user_model):
    """An incident owned by a viewer, its postmortem with one of everything, an open meeting."""
    owner = django_user_model.objects.create_user("olga", first_name="Olga")
    owner.groups.add(Group.objects.get_or_create(name="viewer")[0])
    incident = make.incident(owner=owner)
    postmortem = make.postmortem(incident)
    entry = make.timeline_entry(postmortem)
    gone = make.timeline_entry(postmortem, text="deleted")
    gone_pk = gone.pk
    gone.delete()
    why = make.why(postmortem)
    factor = postmortem.factors.create(text="No canary")
    item = make.action_item(incident, owner=None)
    meeting = Meeting.start(postmortem, None)
    attendee = meeting.attendees.create(name="Guest")
    dissent = meeting.dissenting_views.create(name="Sam", text="Disagree")
    decision = meeting.decisions.create(text="Decided")
    return {
        "owner": owner, "incident": incident, "postmortem": postmortem, "entry": entry,
        "why": why, "factor": factor, "item": item, "meeting": meeting,
        "attendee": attendee, "dissent": dissent, "decision": decision,
        "deleted_entry": TimelineEntry.history.get(id=gone_pk, history_type="-"),
        "conflict": EditConflict.objects.create(
            model="postmortems.TimelineEntry", object_id=entry.pk, user=owner,
            base_version=1, current_version=2, fields=["text"], attempted={"text": "x"}),
    }
