"""The editor's "Seen before?" reads each postmortem's similar incidents as stored whenever a
cause changes (a why, a factor, the root-cause sentence, the trash): the same incidents, texts
and scores as computed afresh, without a trigram search per page load."""

from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone

from config import queue
from postmortems import similar
from postmortems.models import ContributingFactor, Postmortem, SimilarIncident
from postmortems.tasks import refresh_similar_incidents

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen_now")]


def shown(matches):
    return [(m.incident, m.text, m.kind, m.score, m.actions) for m in matches]


@pytest.fixture
def sent(monkeypatch):
    """The tasks sent to the worker: [(task name, args)] (not run)."""
    tasks = []
    monkeypatch.setattr(queue, "send", lambda task, *args: tasks.append((task.name, args)))
    return tasks


@pytest.fixture
def causes(make, editor):
    """Five incidents whose causes look alike by different degrees, beside an unrelated one."""
    started = timezone.now() - timedelta(days=30)
    postmortems = []
    for i, (answer, factor) in enumerate([
        ("Connection pool exhausted by client retries", "No alert on pool use"),
        ("The connection pool was exhausted by retries", "Retries without backoff"),
        ("Connection pool exhausted", "No alert on pool saturation"),
        ("Pool exhausted by a batch job", "Client retries without backoff or jitter"),
        ("Log rotation was disabled", "Disk usage alert missing"),
    ]):
        pm = make.postmortem(make.incident(f"Incident {i}", started_at=started + timedelta(days=i),
                                           detected_at=started + timedelta(days=i)))
        pm.factors.create(position=1, text=factor)
        make.why(pm, answer=answer, is_root_cause=True)
        make.action_item(pm.incident, f"Item {i}", owner=editor)
        postmortems.append(pm)
    quick = make.postmortem(make.incident("Quick one"), template=Postmortem.Template.QUICK,
                            root_cause_sentence="Connection pool exhausted by a retry storm")
    postmortems.append(quick)
    similar.store_all_similar_incidents()
    return postmortems


def test_the_stored_matches_are_those_computed_afresh(causes):
    for pm in causes:
        assert shown(similar.seen_before(pm)) == shown(similar.similar_incidents(pm))
    assert shown(similar.seen_before(causes[0]))  # something to compare
    assert similar.seen_before(causes[4]) == []


def test_the_editor_reads_them(editor_client, causes):
    page = editor_client.get(f"/incidents/{causes[0].incident_id}/postmortem/")
    assert [m.incident for m in page.context["similar"]] == [
        m.incident for m in similar.similar_incidents(causes[0])]


def test_a_new_factor_stores_the_postmortem_s_own_at_once_and_the_others_by_a_task(
        causes, make, sent, django_capture_on_commit_callbacks):
    pm = make.postmortem(make.incident("Search down"))
    with django_capture_on_commit_callbacks(execute=True):
        ContributingFactor.objects.append(ContributingFactor(
            postmortem=pm, text="Log rotation disabled on the search nodes"))
    assert [m.incident for m in similar.seen_before(pm)] == [causes[4].incident]
    assert sent == [("postmortems.refresh_similar_incidents", ([], [pm.pk]))]
    assert similar.seen_before(causes[4]) == []  # until the worker runs the task
    refresh_similar_incidents(*sent[0][1])
    assert [m.incident for m in similar.seen_before(causes[4])] == [pm.incident]
    assert shown(similar.seen_before(causes[4])) == shown(
        similar.similar_incidents(causes[4]))


def test_a_cause_that_changes_leaves_the_others_lists(
        causes, sent, django_capture_on_commit_callbacks):
    factor = causes[4].factors.get()
    other = causes[4].whys.get()
    with django_capture_on_commit_callbacks(execute=True):
        factor.text = other.answer = "Connection pool exhausted by client retries again"
        factor.save()
        other.save()
    assert causes[4].incident not in [m.incident for m in similar.seen_before(causes[0])]
    refresh_similar_incidents(*sent[-1][1])
    assert causes[4].incident in [m.incident for m in similar.seen_before(causes[0])]
    with django_capture_on_commit_callbacks(execute=True):
        factor.delete()
        other.delete()
    refresh_similar_incidents(*sent[-1][1])
    for pm in causes:
        assert causes[4].incident not in [m.incident for m in similar.seen_before(pm)]
        assert shown(similar.seen_before(pm)) == shown(similar.similar_incidents(pm))


def test_the_root_cause_sentence_counts_too(causes, sent, django_capture_on_commit_callbacks):
    quick = Postmortem.objects.get(pk=causes[5].pk)
    with django_capture_on_commit_callbacks(execute=True):
        quick.root_cause_sentence = "Disk usage alert missing on the log hosts"
        quick.save()
    assert [m.incident for m in similar.seen_before(quick)] == [causes[4].incident]
    with django_capture_on_commit_callbacks(execute=True) as queued:
        quick.save()  # nothing about the cause changed
    assert queued == []


def test_renumbering_stores_nothing_again(causes, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks() as queued:
        ContributingFactor.objects.renumber(causes[0])
        factor = causes[0].factors.get()
        factor.position = 2
        factor.save(update_fields=["position"])
    assert queued == []


def test_an_incident_in_the_trash_is_left_out_then_back_when_restored(
        causes, admin, sent, django_capture_on_commit_callbacks):
    before = shown(similar.seen_before(causes[0]))
    trashed = causes[1].incident
    trashed.move_to_trash(admin)
    after = shown(similar.seen_before(causes[0]))
    assert trashed not in [match[0] for match in after]
    assert after == shown(similar.similar_incidents(causes[0]))
    similar.store_all_similar_incidents()  # stored again while it is in the trash
    assert not SimilarIncident._base_manager.filter(postmortem=causes[0],
                                                    incident=trashed).exists()
    with django_capture_on_commit_callbacks(execute=True):
        trashed.restore_from_trash(admin)
    refresh_similar_incidents(*sent[-1][1])
    assert shown(similar.seen_before(causes[0])) == before


def test_purging_an_incident_stores_the_lists_it_was_in_again(
        causes, admin, sent, django_capture_on_commit_callbacks):
    purged = causes[1].incident
    listing = set(SimilarIncident.objects.filter(incident=purged)
                  .values_list("postmortem_id", flat=True))
    assert causes[0].pk in listing
    purged.move_to_trash(admin)
    with django_capture_on_commit_callbacks(execute=True):
        purged.purge(admin)
    name, (postmortem_ids, around) = sent[-1]
    assert (name, set(postmortem_ids), around) == (
        "postmortems.refresh_similar_incidents", listing, [])
    refresh_similar_incidents(postmortem_ids, around)
    assert shown(similar.seen_before(causes[0])) == shown(
        similar.similar_incidents(causes[0]))


def test_relinking_everything_stores_them_too(causes):
    SimilarIncident.objects.all().delete()
    call_command("link_recurring_causes")
    for pm in causes:
        assert shown(similar.seen_before(pm)) == shown(similar.similar_incidents(pm))
