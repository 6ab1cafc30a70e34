""""Keep theirs, drop mine" closes the refused edit as discarded; it stays on record."""

import pytest
from django.urls import reverse

from postmortems.models import EditConflict

pytestmark = pytest.mark.django_db


@pytest.fixture
def refused(postmortem, make, editor):
    entry = make.timeline_entry(postmortem)
    return EditConflict.objects.create(
        model="postmortems.TimelineEntry", object_id=entry.pk, user=editor, base_version=1,
        current_version=2, fields=["text"], attempted={"text": "mine"})


def test_the_author_discards_their_refused_edit(editor_client, refused, meeting):
    back = reverse("meetings:run", args=[meeting.pk])
    response = editor_client.post(reverse("revisions:conflict_discard", args=[refused.pk]),
                                  {"next": back})
    assert (response.status_code, response["Location"]) == (303, back)
    refused.refresh_from_db()
    assert refused.outcome == EditConflict.Outcome.DISCARDED
    assert refused.attempted == {"text": "mine"}


def test_an_outside_next_is_not_followed(editor_client, refused):
    response = editor_client.post(reverse("revisions:conflict_discard", args=[refused.pk]),
                                  {"next": "https://evil.example.com/"})
    assert response["Location"] == reverse("home")


def test_somebody_else_cannot_discard_it(client, admin, refused):
    client.force_login(admin)
    response = client.post(reverse("revisions:conflict_discard", args=[refused.pk]))
    assert response.status_code == 404
    refused.refresh_from_db()
    assert refused.outcome == EditConflict.Outcome.PENDING
