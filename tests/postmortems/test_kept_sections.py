"""The editor's sections are kept per process by what they are made of (postmortems.kept_html):
shown again unchanged, a section is the HTML rendered before, with the request's own CSRF
token; after any change to what it shows it is the section rendered afresh, never the kept one;
its template reads nothing that is not in its key; a form with input or errors is never kept."""

import re
from datetime import timedelta

import pytest
from django.db import connection
from django.db.models import F
from django.template import Context, Engine
from django.test.utils import CaptureQueriesContext

from postmortems import kept_html, similar
from postmortems.models import ActionItem, Incident, Postmortem, TimelineEntry, Why
from slos.models import IncidentImpact
from trackers.models import TicketLink, TrackerConnection

pytestmark = pytest.mark.django_db

SECTIONS = ["document", "timeline", "whys", "actions"]


@pytest.fixture(autouse=True)
def nothing_kept():
    kept_html.KEPT.clear()


@pytest.fixture
def pm(make, owner, make_slo, offline_source):
    """A postmortem with some of everything, an earlier incident with a similar cause, an
    SLO it hit; Olga owns an action item."""
    earlier = make.postmortem(make.incident("Login errors"))
    make.why(earlier, answer="Connection pool exhausted by client retries", is_root_cause=True)
    make.action_item(earlier.incident, "Earlier fix", owner=owner)
    pm = make.postmortem(make.incident("Checkout 500s", owner=owner))
    make.timeline_entry(pm, text="Paged the on-call")
    make.timeline_entry(pm, at=pm.incident.started_at + timedelta(minutes=9),
                        text="Outage caused by Zoltan")
    make.why(pm, answer="Connection pool exhausted", is_root_cause=True)
    pm.factors.create(position=1, text="No retry budget")
    make.action_item(pm.incident, "Cap the retries", owner=owner,
                     addresses_why=pm.whys.get())
    make.action_item(pm.incident, "Alert on pool use", owner=None)  # orphaned
    IncidentImpact.objects.create(slo=make_slo(offline_source, name="Checkout availability"),
                                  incident=pm.incident, budget_consumed=0.12,
                                  status=IncidentImpact.Status.OK)
    similar.store_similar_incidents([pm.pk])  # done on commit in the app
    return pm


def url(pm, key=None):
    page = f"/incidents/{pm.incident_id}/postmortem/"
    return f"{page}sections/{key}/" if key else page


def shown(client, path):
    """The HTML as served, its CSRF tokens (a fresh mask per request) and the live feed's
    cursor (the time of the page) made one."""
    response = client.get(path)
    assert response.status_code == 200
    html = response.content.decode()
    token = str(response.context["csrf_token"])
    assert html.count(token) >= 1 and kept_html.CSRF_PLACE not in html
    html = re.sub(r'data-cursor="[^"]*"', "CURSOR", html)
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', "TOKEN", html)


def afresh(client, path):
    kept_html.KEPT.clear()
    return shown(client, path)


def test_a_page_shown_again_is_kept_with_the_request_s_own_token(editor_client, pm):
    first = editor_client.get(url(pm))
    assert len(kept_html.KEPT._html) == len(SECTIONS)
    second = editor_client.get(url(pm))
    assert len(kept_html.KEPT._html) == len(SECTIONS)
    token = str(second.context["csrf_token"])
    assert token != str(first.context["csrf_token"])
    assert second.content.decode().count(token) == first.content.decode().count(
        str(first.context["csrf_token"])) > 10
    assert shown(editor_client, url(pm)) == afresh(editor_client, url(pm))


@pytest.mark.parametrize("key", SECTIONS)
def test_a_section_alone_is_kept_and_the_same_as_afresh(editor_client, pm, key):
    shown(editor_client, url(pm, key))
    assert len(kept_html.KEPT._html) == 1
    assert shown(editor_client, url(pm, key)) == afresh(editor_client, url(pm, key))


@pytest.mark.parametrize("key", SECTIONS)
def test_a_section_reads_only_what_it_is_made_of(editor_client, pm, key,
                                                 django_assert_num_queries):
    """Rendered or kept, the same queries: its template reads nothing outside its key."""
    with CaptureQueriesContext(connection) as rendering:
        shown(editor_client, url(pm, key))
    with django_assert_num_queries(len(rendering)):
        shown(editor_client, url(pm, key))
    assert len(kept_html.KEPT._html) == 1


def set_text(model, **fields):
    def change(pm, make, owner):
        model.objects.filter(pk=model._base_manager.filter(
            **{"postmortem" if model is not ActionItem else "incident__postmortem": pm})
            .order_by("pk").values("pk")[:1]).update(**fields)
    return change


def deactivate_owner(pm, make, owner):
    type(owner).objects.filter(pk=owner.pk).update(is_active=False)


def rename_owner(pm, make, owner):
    type(owner).objects.filter(pk=owner.pk).update(first_name="Olga-Louise")


def name_zoltan(pm, make, owner):
    type(owner).objects.create_user("zoltan", first_name="Zoltan")


def link_ticket(pm, make, owner):
    connection = TrackerConnection.objects.create(
        name="Shop issues", kind="github", base_url="https://api.github.com",
        project="acme/shop", is_default=True)
    TicketLink.objects.create(item=pm.incident.action_items.order_by("pk").first(),
                              connection=connection, key="acme/shop#7", state="open",
                              url="https://github.com/acme/shop/issues/7")


def move_root_cause(pm, make, owner):
    Why.objects.filter(postmortem=pm).update(is_root_cause=False)
    make.why(pm, position=2, answer="Retries without a budget", is_root_cause=True)


def renumber_why(pm, make, owner):
    Why.objects.filter(postmortem=pm).update(position=F("position") + 4)


def similar_actions_done(pm, make, owner):
    ActionItem.objects.filter(text="Earlier fix").update(status=ActionItem.Status.DONE)


def forget_similar(pm, make, owner):
    from postmortems.models import SimilarIncident

    SimilarIncident.objects.filter(postmortem=pm).delete()


def measure_impact(pm, make, owner):
    IncidentImpact.objects.filter(incident=pm.incident).update(budget_consumed=0.5)


def unlink_slo(pm, make, owner):
    IncidentImpact.objects.filter(incident=pm.incident).delete()


def rename_slo(pm, make, owner):
    impact = IncidentImpact.objects.get(incident=pm.incident)
    type(impact.slo).objects.filter(pk=impact.slo_id).update(name="Checkout 2xx")


def set_key_time(pm, make, owner):
    Incident.objects.filter(pk=pm.incident_id).update(
        mitigated_at=pm.incident.started_at + timedelta(hours=1), version=F("version") + 1)


def retitle(pm, make, owner):
    Incident.objects.filter(pk=pm.incident_id).update(title="Checkout 502s")


def summarize(pm, make, owner):
    Postmortem.objects.filter(pk=pm.pk).update(executive_summary="Zoltan broke it")


def add_entry(pm, make, owner):
    make.timeline_entry(pm, at=pm.incident.started_at + timedelta(minutes=3), text="Rolled back")


def delete_entry(pm, make, owner):
    TimelineEntry.objects.filter(postmortem=pm).order_by("pk").first().delete()


CHANGES = [
    set_text(TimelineEntry, text="Paged the **secondary**"),
    set_text(TimelineEntry, kind=TimelineEntry.Kind.ESCALATED),
    add_entry, delete_entry,
    set_text(Why, answer="The pool was too small"),
    set_text(Why, question="Why did it fail?"),
    move_root_cause, renumber_why,
    set_text(ActionItem, status=ActionItem.Status.WONT_DO, wont_do_reason="Too costly"),
    set_text(ActionItem, due=None), set_text(ActionItem, ticket=""),
    set_text(ActionItem, priority="P0"),
    deactivate_owner, rename_owner, name_zoltan, link_ticket,
    similar_actions_done, forget_similar, measure_impact, rename_slo, unlink_slo,
    set_key_time, retitle, summarize,
]


@pytest.mark.parametrize("change", CHANGES, ids=lambda change: getattr(
    change, "__name__", "set_text"))
def test_after_a_change_the_page_is_the_page_rendered_afresh(editor_client, pm, make, owner,
                                                             change):
    before = shown(editor_client, url(pm))
    change(pm, make, owner)
    after = shown(editor_client, url(pm))
    assert after != before
    assert after == afresh(editor_client, url(pm))


def test_a_factor_change_shows_in_whys_and_in_the_action_form(editor_client, pm):
    shown(editor_client, url(pm))
    pm.factors.update(text="No retry budget at all")
    after = shown(editor_client, url(pm))
    assert after.count("No retry budget at all") >= 2  # the list and the picker
    assert after == afresh(editor_client, url(pm))


def test_an_item_becomes_overdue_with_the_date(editor_client, pm, make, time_machine):
    item = pm.incident.action_items.get(text="Cap the retries")
    ActionItem.objects.filter(pk=item.pk).update(due=pm.incident.started_at.date())
    time_machine.move_to(pm.incident.started_at - timedelta(days=1), tick=False)
    assert "Overdue since" not in shown(editor_client, url(pm, "actions"))
    time_machine.move_to(pm.incident.started_at + timedelta(days=2), tick=False)
    assert "Overdue since" in shown(editor_client, url(pm, "actions"))


def test_the_ticket_url_setting_is_part_of_the_key(editor_client, pm, settings):
    settings.TICKET_URL_TEMPLATE = ""
    assert "https://tickets.example/OPS-1" not in shown(editor_client, url(pm, "actions"))
    settings.TICKET_URL_TEMPLATE = "https://tickets.example/{key}"
    assert "https://tickets.example/OPS-1" in shown(editor_client, url(pm, "actions"))


def test_a_form_with_errors_is_shown_but_never_kept(editor_client, pm):
    response = editor_client.post(f"/incidents/{pm.incident_id}/whys/",
                                  {"why-question": "", "why-answer": "x"},
                                  HTTP_HX_REQUEST="true")
    assert response.status_code == 400
    assert len(kept_html.KEPT._html) == 0
    assert "is-invalid" not in shown(editor_client, url(pm, "whys"))


# --- What a piece is made of -----------------------------------------------------------------

def test_equal_rows_make_equal_keys_and_any_difference_another(pm):
    def whys():
        return list(Postmortem.objects.select_related("incident").get(pk=pm.pk).whys.all())

    assert kept_html.made_of(whys()) == kept_html.made_of(whys())
    hash(kept_html.made_of(whys()))
    Why.objects.filter(postmortem=pm).update(answer="Connection pool exhausted!")
    assert kept_html.made_of(whys()) != kept_html.made_of(list(pm.whys.all()))


def test_the_rows_read_with_a_row_are_part_of_it(pm, owner):
    def item():
        return ActionItem.objects.select_related("owner").get(text="Cap the retries")

    before = kept_html.made_of(item())
    type(owner).objects.filter(pk=owner.pk).update(last_name="Smith")
    assert kept_html.made_of(item()) != before


def test_a_value_that_cannot_be_compared_by_its_contents_is_refused(pm):
    with pytest.raises(TypeError):
        kept_html.made_of([object()])


@pytest.mark.parametrize("contents", ["missing", "", None, (), ["a list"]])
def test_anything_but_a_tuple_of_contents_renders_afresh_and_is_never_kept(contents):
    """A section whose ``<key>_made_of`` is missing from the context (the engine gives "")
    would otherwise be kept under one key for every postmortem."""
    engine = Engine(loaders=[("django.template.loaders.locmem.Loader",
                              {"title.html": "{{ title }}"})],
                    libraries={"postmortems": "postmortems.templatetags.postmortems"})
    page = engine.from_string('{% load postmortems %}{% include_kept "title.html" made_of %}')
    given = {} if contents == "missing" else {"made_of": contents}
    assert page.render(Context({"title": "Checkout 500s", **given})) == "Checkout 500s"
    assert page.render(Context({"title": "Login errors", **given})) == "Login errors"
    assert len(kept_html.KEPT._html) == 0


def test_the_kept_html_forgets_everything_when_full():
    kept = kept_html.KeptHTML(budget=80)
    kept.keep("a", "x" * 10)
    kept.keep("huge", "x" * 11)  # more than an eighth of the budget: not kept
    assert kept.get("a") and kept.get("huge") is None
    for key in "bcdefgh":
        kept.keep(key, "x" * 10)
    assert kept.get("a") and kept.get("h")
    kept.keep("i", "x" * 10)
    assert kept.get("a") is None and kept.get("i")
