"""Deleting an incident from the site moves it to the trash (issue 10, finding 5): it and
everything under it leave every page, list, count, export, feed and the API; an admin restores
it whole and unchanged, or purges it for good. Only admins delete, see the trash, restore and
purge."""

from datetime import timedelta

import pytest
from django import forms
from django.core.management import call_command
from django.forms.models import model_to_dict
from django.utils import timezone

from postmortems import recurring
from postmortems.digest import build_digests
from postmortems.intake import AlertBatch, ReceivedSignal, receive
from postmortems.models import (
    ActionItem,
    AlertGroup,
    ContributingFactor,
    Incident,
    Meeting,
    Postmortem,
    RecurringCauseLink,
    TimelineEntry,
    Why,
)
from slos.models import IncidentImpact

pytestmark = pytest.mark.django_db

CAUSE = "The connection pool was exhausted by retries"
# Recent enough for the dashboard's windows (recurring causes: 180 days).
START = (timezone.now() - timedelta(days=10)).replace(microsecond=0)


@pytest.fixture
def doomed(make, editor, make_slo, offline_source):
    """A resolved SEV1 with one of everything: a published postmortem, timeline, a root
    cause, factors, an orphaned and an overdue action item, a closed meeting, an alert group
    and an SLO share."""
    incident = make.incident(title="Pool exhausted at checkout", severity=1, owner=editor,
                             customer_facing=True, status=Incident.Status.RESOLVED,
                             resolved_at=START + timedelta(hours=2), started_at=START)
    postmortem = make.postmortem(incident, author=editor, executive_summary="Pool ran dry")
    for minute in (1, 2, 3):
        make.timeline_entry(postmortem, at=START + timedelta(minutes=minute), text=f"Step {minute}")
    make.why(postmortem, question="Why did checkout fail?", answer=CAUSE, is_root_cause=True)
    ContributingFactor.objects.create(postmortem=postmortem, position=1, text="No retry budget")
    make.action_item(incident, text="Cap the retries", owner=None)  # orphaned
    make.action_item(incident, text="Alert on pool use", owner=editor,
                     due=timezone.now().date() - timedelta(days=3))  # overdue
    Meeting.start(postmortem, editor)
    AlertGroup.objects.create(source="alertmanager", key="{}:{alertname=\"Pool\"}",
                              incident=incident)
    IncidentImpact.objects.create(slo=make_slo(offline_source), incident=incident,
                                  status=IncidentImpact.Status.OK, budget_consumed=0.25)
    return incident


@pytest.fixture
def kept(make, editor):
    """Another incident, with a similar root cause, that stays."""
    incident = make.incident(title="Pool exhausted again", severity=1, owner=editor,
                             started_at=START + timedelta(days=1))
    postmortem = make.postmortem(incident)
    make.why(postmortem, question="Why?", answer=CAUSE, is_root_cause=True)
    make.action_item(incident, text="Kept item", owner=None)
    return incident


def everything_under(incident):
    """Every row of the incident and its parts, as plain values (the base managers see the
    trash too): what a restore must bring back unchanged."""
    pk = incident.pk
    rows = {"incident": [model_to_dict(Incident.all_objects.get(pk=pk))]}
    for model, lookup in [
        (Postmortem, "incident_id"), (TimelineEntry, "postmortem__incident_id"),
        (Why, "postmortem__incident_id"), (ContributingFactor, "postmortem__incident_id"),
        (ActionItem, "incident_id"), (Meeting, "postmortem__incident_id"),
        (AlertGroup, "incident_id"), (IncidentImpact, "incident_id"),
        (RecurringCauseLink, "why__postmortem__incident_id"),
    ]:
        rows[model.__name__] = list(model._base_manager.filter(**{lookup: pk})
                                    .order_by("pk").values())
    return rows


# --- Deleting ---------------------------------------------------------------------------------

def test_the_incident_page_offers_delete_to_admins_only(client, admin, editor, viewer, doomed):
    delete_url = f"/incidents/{doomed.pk}/delete/"
    for user, shown in [(admin, True), (editor, False), (viewer, False)]:
        client.force_login(user)
        page = client.get(doomed.get_absolute_url()).content.decode()
        assert (delete_url in page) is shown, user
        nav = client.get("/").content.decode()
        assert ('href="/trash/"' in nav) is shown, user


def test_the_confirmation_says_what_goes_with_it(admin_client, doomed):
    response = admin_client.get(f"/incidents/{doomed.pk}/delete/")
    assert response.status_code == 200
    assert response.context["parts"] == [
        "its postmortem (draft)", "3 timeline entries", "1 why", "1 contributing factor",
        "2 action items", "1 review meeting", "1 alert group"]
    page = response.content.decode()
    assert "3 timeline entries" in page and "Move to the trash" in page
    assert Incident.objects.filter(pk=doomed.pk).exists()  # asking deletes nothing


def test_an_admin_moves_it_to_the_trash(admin_client, admin, doomed):
    before = everything_under(doomed)
    response = admin_client.post(f"/incidents/{doomed.pk}/delete/")
    assert response.status_code == 303
    assert response["Location"] == "/incidents/"
    trashed = Incident.all_objects.get(pk=doomed.pk)
    assert trashed.in_trash and trashed.deleted_by == admin
    assert trashed.version == doomed.version  # the mark is not an edit
    after = everything_under(doomed)
    assert after["incident"][0]["title"] == before["incident"][0]["title"]
    assert {name: rows for name, rows in after.items() if name != "incident"} == \
        {name: rows for name, rows in before.items() if name != "incident"}  # nothing destroyed
    last = doomed.history.first()
    assert last.history_change_reason == "moved to the trash"
    assert last.history_user == admin


def test_a_trashed_incident_is_gone_from_every_page(admin_client, doomed, kept):
    pk, pm = doomed.pk, Postmortem.objects.get(incident=doomed)
    item = ActionItem.objects.filter(incident=doomed).first()
    why, entry = pm.whys.first(), pm.timeline.first()
    meeting = Meeting.objects.get(postmortem=pm)
    home_before = admin_client.get("/").context
    assert home_before["orphan_count"] == 2 and home_before["overdue_count"] == 1
    assert recurring.recurring_root_causes()  # the two incidents share a cause
    assert "Cap the retries" in [item.text for digest in build_digests().values()
                                 for item in [*digest.open_items, *digest.orphans]]

    doomed.move_to_trash()

    home = admin_client.get("/").context
    assert home["orphan_count"] == 1 and home["overdue_count"] == 0
    assert home["times"]["incidents"] == home_before["times"]["incidents"] - 1
    assert [i.pk for i in home["due"]] == [kept.pk]
    assert home["recurring_causes"] == []
    assert all(service.recent < 2 for service in home["recurring_services"])
    incidents = admin_client.get("/incidents/").context["page"]
    assert [i.pk for i in incidents] == [kept.pk]
    assert [i.pk for i in admin_client.get("/incidents/?q=pool").context["page"]] == [kept.pk]
    tracker = admin_client.get("/actions/?status=all").context
    assert {i.incident_id for i in tracker["page"]} == {kept.pk}
    assert tracker["counts"]["all"] == 1
    csv = b"".join(admin_client.get("/actions/export.csv").streaming_content).decode()
    assert "Kept item" in csv and "Cap the retries" not in csv
    for url in [f"/incidents/{pk}/", f"/incidents/{pk}/edit/", f"/incidents/{pk}/postmortem/",
                f"/incidents/{pk}/postmortem/print/", f"/incidents/{pk}/postmortem/export.md",
                f"/incidents/{pk}/postmortem/history/", f"/incidents/{pk}/postmortem/live/",
                f"/incidents/{pk}/meetings/", f"/meetings/{meeting.pk}/",
                f"/meetings/{meeting.pk}/changes/", f"/actions/{item.pk}/edit/",
                f"/actions/{item.pk}/history/", f"/whys/{why.pk}/edit/",
                f"/timeline/{entry.pk}/edit/", f"/slos/incidents/{pk}/",
                f"/incidents/{pk}/delete/"]:
        assert admin_client.get(url).status_code == 404, url
    digested = [item.text for digest in build_digests().values()
                for item in [*digest.open_items, *digest.orphans]]
    assert digested == ["Kept item"]
    editor_page = admin_client.get(f"/incidents/{kept.pk}/postmortem/").content.decode()
    assert "Pool exhausted at checkout" not in editor_page  # not a similar incident any more


def test_the_api_neither_lists_nor_finds_it(admin_client, doomed, kept):
    client = admin_client  # the API takes the session as well as tokens
    doomed.move_to_trash()
    assert client.get(f"/api/v1/incidents/{doomed.pk}/").status_code == 404
    assert [i["id"] for i in client.get("/api/v1/incidents/").json()["results"]] == [kept.pk]
    for resource in ["postmortems", "timeline-entries", "whys", "factors", "action-items",
                     "meetings"]:
        listed = client.get(f"/api/v1/{resource}/").json()["results"]
        assert all(row.get("incident", kept.pk) == kept.pk for row in listed), resource
    assert client.get("/api/v1/timeline-entries/").json()["count"] == 0
    assert client.get("/api/v1/meetings/").json()["count"] == 0
    assert client.get("/api/v1/action-items/").json()["count"] == 1
    item = ActionItem._base_manager.filter(incident=doomed).first()
    assert client.get(f"/api/v1/action-items/{item.pk}/").status_code == 404
    slos = client.get("/api/slos/").json()["slos"]
    assert len(slos) == 1 and slos[0]["incidents"] == []


def test_the_slo_page_no_longer_marks_it(admin_client, doomed):
    slo = IncidentImpact._base_manager.get(incident=doomed).slo
    assert len(admin_client.get(f"/slos/{slo.pk}/").context["incidents"]) == 1
    doomed.move_to_trash()
    assert admin_client.get(f"/slos/{slo.pk}/").context["incidents"] == []


def test_delete_on_the_api_goes_to_the_trash(client, admin, editor, doomed):
    client.force_login(editor)
    assert client.delete(f"/api/v1/incidents/{doomed.pk}/").status_code == 403
    client.force_login(admin)
    assert client.delete(f"/api/v1/incidents/{doomed.pk}/?version=99").status_code == 409
    assert client.delete(
        f"/api/v1/incidents/{doomed.pk}/?version={doomed.version}").status_code == 204
    assert client.delete(f"/api/v1/incidents/{doomed.pk}/").status_code == 404
    trashed = Incident.all_objects.get(pk=doomed.pk)
    assert trashed.in_trash and trashed.deleted_by == admin
    assert Postmortem._base_manager.filter(incident=doomed).exists()


def test_an_alert_group_does_not_join_a_trashed_incident(doomed):
    group = AlertGroup._base_manager.get(incident=doomed)
    doomed.status, doomed.resolved_at = Incident.Status.OPEN, None
    doomed.save()
    doomed.move_to_trash()
    result = receive(AlertBatch(
        source=group.source, key=group.key, title="Pool alert", severity=1,
        signals=[ReceivedSignal(fingerprint="f1", name="Pool", firing=True,
                                starts_at=START + timedelta(days=2))]))
    assert result.opened and result.incident.pk != doomed.pk
    assert not TimelineEntry._base_manager.filter(
        postmortem__incident=doomed, text__contains="Pool").exists()


def test_parts_read_through_their_owner_follow_the_owner(doomed):
    """The rule is applied once, to the owner read through its manager: its parts read
    through it (postmortem.whys, incident.action_items) ask nothing more of the trash."""
    postmortem = Postmortem.objects.get(incident=doomed)
    for parts in (postmortem.whys.all(), postmortem.factors.all(), postmortem.timeline.all(),
                  postmortem.meetings.all(), doomed.action_items.all(), doomed.slo_impacts.all()):
        assert "deleted_at" not in str(parts.query), parts.model
        assert parts.exists(), parts.model
    doomed.move_to_trash()
    assert not Postmortem.objects.filter(incident=doomed).exists()
    assert not Why.objects.filter(postmortem=postmortem).exists()  # read on their own: hidden
    assert not ActionItem.objects.filter(incident=doomed).exists()
    # Not on the way to the incident: the rule stays (the owner's items of every incident).
    assert "deleted_at" in str(doomed.owner.action_items.all().query)


# --- The trash page, restore, purge -----------------------------------------------------------

def test_the_trash_lists_what_was_deleted_by_whom(admin_client, admin, doomed, kept):
    doomed.move_to_trash(admin)
    response = admin_client.get("/trash/")
    assert [i.pk for i in response.context["page"]] == [doomed.pk]
    page = response.content.decode()
    assert "Pool exhausted at checkout" in page and "Ada" in page
    assert "SEV1" in page and "Restore" in page and "Delete permanently" in page
    assert "Pool exhausted again" not in page


def test_restore_brings_everything_back_unchanged(admin_client, admin, doomed):
    before = everything_under(doomed)
    versions = [h.version for h in doomed.history.all()]
    doomed.move_to_trash(admin)
    response = admin_client.post(f"/trash/{doomed.pk}/restore/")
    assert response.status_code == 303
    assert response["Location"] == doomed.get_absolute_url()
    assert everything_under(doomed) == before
    assert admin_client.get(doomed.get_absolute_url()).status_code == 200
    assert admin_client.get("/trash/").context["page"].paginator.count == 0
    reasons = [h.history_change_reason for h in doomed.history.all()[:2]]
    assert reasons == ["restored from the trash", "moved to the trash"]
    history = admin_client.get(f"/incidents/{doomed.pk}/postmortem/history/").content.decode()
    assert "restored from the trash" in history and "moved to the trash" in history
    assert [h.version for h in doomed.history.all()[2:]] == versions  # versions intact


def test_purge_destroys_the_incident_and_everything_under_it(admin_client, doomed, kept):
    kept_rows = everything_under(kept)
    assert admin_client.post(f"/trash/{doomed.pk}/purge/").status_code == 404  # not in trash
    doomed.move_to_trash()
    confirm = admin_client.get(f"/trash/{doomed.pk}/purge/")
    assert confirm.status_code == 200
    assert "3 timeline entries" in confirm.content.decode()
    assert Incident.all_objects.filter(pk=doomed.pk).exists()  # asking destroys nothing
    response = admin_client.post(f"/trash/{doomed.pk}/purge/")
    assert response.status_code == 303 and response["Location"] == "/trash/"
    assert not Incident.all_objects.filter(pk=doomed.pk).exists()
    for name, rows in everything_under(kept).items():
        if name != "RecurringCauseLink":  # its links to the purged root cause went with it
            assert rows == kept_rows[name], name
    for model, lookup in [(Postmortem, "incident_id"), (TimelineEntry, "postmortem__incident_id"),
                          (Why, "postmortem__incident_id"), (ActionItem, "incident_id"),
                          (Meeting, "postmortem__incident_id"), (AlertGroup, "incident_id"),
                          (IncidentImpact, "incident_id")]:
        assert not model._base_manager.filter(**{lookup: doomed.pk}).exists(), model
    assert doomed.history.first().history_type == "-"


@pytest.mark.parametrize("role", ["viewer", "editor"])
def test_only_admins_delete_restore_and_purge(client, request, role, doomed):
    client.force_login(request.getfixturevalue(role))
    assert client.post(f"/incidents/{doomed.pk}/delete/").status_code == 403
    doomed.move_to_trash()
    assert client.get("/trash/").status_code == 403
    assert client.post(f"/trash/{doomed.pk}/restore/").status_code == 403
    assert client.get(f"/trash/{doomed.pk}/purge/").status_code == 403
    assert client.post(f"/trash/{doomed.pk}/purge/").status_code == 403
    assert Incident.all_objects.get(pk=doomed.pk).in_trash


def test_logged_out_visitors_are_sent_to_log_in(client, doomed):
    doomed.move_to_trash()
    for url in ["/trash/", f"/trash/{doomed.pk}/purge/", f"/incidents/{doomed.pk}/delete/"]:
        response = client.get(url)
        assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")
    assert client.post(f"/trash/{doomed.pk}/restore/").status_code == 302
    assert Incident.all_objects.get(pk=doomed.pk).in_trash


def test_wrong_methods_and_unknown_ids(admin_client, doomed):
    assert admin_client.get(f"/trash/{doomed.pk}/restore/").status_code == 405
    assert admin_client.post("/trash/").status_code == 405
    assert admin_client.post("/trash/999999/restore/").status_code == 404
    assert admin_client.post(f"/trash/{doomed.pk}/restore/").status_code == 404  # not in trash
    assert admin_client.get("/trash/?page=junk").status_code == 200


def test_the_trash_page_costs_the_same_for_2_or_20(admin_client, make,
                                                   django_assert_num_queries):
    def trash(n):
        for i in range(n):
            make.incident(title=f"Gone {i}").move_to_trash()

    trash(2)
    admin_client.get("/trash/")
    with django_assert_num_queries(5):  # session, user, role, count, page
        admin_client.get("/trash/")
    trash(18)
    with django_assert_num_queries(5):
        assert len(admin_client.get("/trash/").context["page"]) == 20


def test_purge_trash_command_purges_only_the_old(make, capsys):
    old, recent = make.incident(title="Old"), make.incident(title="Recent")
    old.move_to_trash()
    recent.move_to_trash()
    Incident.all_objects.filter(pk=old.pk).update(deleted_at=timezone.now() - timedelta(days=31))
    call_command("purge_trash", "--older-than", "30")
    assert not Incident.all_objects.filter(pk=old.pk).exists()
    assert Incident.all_objects.filter(pk=recent.pk).exists()
    assert "Purged 1 incident" in capsys.readouterr().out


def test_nothing_is_restored_from_the_history_into_the_trash(admin_client, doomed):
    entry = TimelineEntry.objects.filter(postmortem__incident=doomed).first()
    pk = entry.pk
    entry.delete()
    record = TimelineEntry.history.get(id=pk, history_type="-")
    doomed.move_to_trash()
    url = f"/history/timelineentry/{record.history_id}/restore/"
    assert admin_client.post(url).status_code == 404
    assert not TimelineEntry._base_manager.filter(pk=pk).exists()
    doomed.restore_from_trash()
    assert admin_client.post(url).status_code == 303
    assert TimelineEntry.objects.filter(pk=pk).exists()


# --- A change that meets the trash -----------------------------------------------------------
# An admin moves the incident to the trash while somebody has a form of one of its parts open
# (before the save is sent, or while it runs): the save answers that the incident is in the
# trash (409, not a 404 or a 500), with what was typed shown back, and a link to the trash for
# admins. Nothing is saved into the trash.

def changes(incident):
    """part → (URL of its form, what the form sends, the text typed in it)."""
    pm = Postmortem.objects.get(incident=incident)
    entry, why = pm.timeline.first(), pm.whys.first()
    factor = ContributingFactor.objects.get(postmortem=pm)
    item = ActionItem.objects.filter(incident=incident).first()
    at = (START + timedelta(minutes=9)).strftime("%Y-%m-%d %H:%M")
    return {
        "postmortem": (f"/incidents/{incident.pk}/postmortem/",
                       {"executive_summary": "The pool ran dry at 09:12"}),
        "timeline entry": (f"/timeline/{entry.pk}/edit/",
                           {f"edit-{entry.pk}-at": at, f"edit-{entry.pk}-kind": "trigger",
                            f"edit-{entry.pk}-text": "Retries doubled the load"}),
        "new timeline entry": (f"/incidents/{incident.pk}/timeline/",
                               {"entry-at": at, "entry-kind": "trigger",
                                "entry-text": "Retries doubled the load"}),
        "why": (f"/whys/{why.pk}/edit/", {"why-question": "Why did checkout fail?",
                                          "why-answer": "Retries doubled the load"}),
        "new why": (f"/incidents/{incident.pk}/whys/",
                    {"why-question": "Why were there retries?",
                     "why-answer": "Retries doubled the load"}),
        "factor": (f"/factors/{factor.pk}/edit/", {"factor-text": "Retries doubled the load"}),
        "action item": (f"/actions/{item.pk}/edit/",
                        {"action-priority": "P1", "action-text": "Retries doubled the load",
                         "action-status": "open"}),
    }


PARTS = ["postmortem", "timeline entry", "new timeline entry", "why", "new why", "factor",
         "action item"]


def assert_says_in_trash(response, incident, typed, trash_link):
    assert response.status_code == 409
    page = response.content.decode()
    assert "in the trash" in page and f"#{incident.pk}" in page
    assert typed in page  # what was typed is shown back
    assert ('href="/trash/' in page) is trash_link


@pytest.fixture
def trashed_while_saving(monkeypatch, doomed):
    """An admin moves ``doomed`` to the trash after the form was checked, before it is saved
    (as when the two requests run at once)."""
    checked = forms.BaseForm.is_valid

    def is_valid_then_trashed(form):
        valid = checked(form)
        doomed.move_to_trash()
        return valid

    monkeypatch.setattr(forms.BaseForm, "is_valid", is_valid_then_trashed)


def saved_texts(incident):
    pm = Postmortem._base_manager.get(incident=incident)
    return [pm.executive_summary, *TimelineEntry._base_manager.filter(postmortem=pm)
            .values_list("text", flat=True), *Why._base_manager.filter(postmortem=pm)
            .values_list("answer", flat=True), *ContributingFactor._base_manager.filter(
            postmortem=pm).values_list("text", flat=True), *ActionItem._base_manager.filter(
            incident=incident).values_list("text", flat=True)]


@pytest.mark.parametrize("part", PARTS)
def test_a_save_sent_after_the_incident_went_to_the_trash_says_so(editor_client, doomed, part):
    url, data = changes(doomed)[part]
    doomed.move_to_trash()
    response = editor_client.post(url, data)
    assert_says_in_trash(response, doomed, "Retries doubled the load"
                         if part != "postmortem" else "The pool ran dry at 09:12",
                         trash_link=False)
    assert "Retries doubled the load" not in saved_texts(doomed)


@pytest.mark.parametrize("part", PARTS)
def test_a_save_running_while_the_incident_goes_to_the_trash_says_so(
        editor_client, doomed, trashed_while_saving, part):
    url, data = changes(doomed)[part]
    response = editor_client.post(url, data)
    assert Incident.all_objects.get(pk=doomed.pk).in_trash
    assert_says_in_trash(response, doomed, "Retries doubled the load"
                         if part != "postmortem" else "The pool ran dry at 09:12",
                         trash_link=False)
    assert "Retries doubled the load" not in saved_texts(doomed)


def test_admins_are_shown_the_way_to_the_trash(admin_client, doomed):
    url, data = changes(doomed)["why"]
    doomed.move_to_trash()
    response = admin_client.post(url, data)
    assert_says_in_trash(response, doomed, "Retries doubled the load", trash_link=True)
    assert f'href="/trash/#trashed-{doomed.pk}"' in response.content.decode()
    assert f'id="trashed-{doomed.pk}"' in admin_client.get("/trash/").content.decode()


def test_in_place_forms_show_it_in_the_main_area(editor_client, doomed):
    url, data = changes(doomed)["factor"]
    doomed.move_to_trash()
    response = editor_client.post(url, data, headers={"HX-Request": "true"})
    assert_says_in_trash(response, doomed, "Retries doubled the load", trash_link=False)
    assert response["HX-Retarget"] == "#main" and response["HX-Reswap"] == "innerHTML"
    assert "<html" not in response.content.decode()  # a fragment, not a page


def test_a_part_deleted_for_good_is_still_not_found(editor_client, doomed):
    url, data = changes(doomed)["why"]
    Why._base_manager.filter(postmortem__incident=doomed).delete()
    assert editor_client.post(url, data).status_code == 404
