"""Accessibility: axe-core (WCAG 2.1 A and AA, and its best practices) finds nothing on any
page a person reaches, as a viewer, an editor and an admin (who also sees the admins' pages).
The pages come from tests/routes.py: every GET URL of the site is a page there or a
fragment/file in NOT_PAGES, so a new page is walked as soon as it is named. Also: reflow at
200 % zoom, forced colours."""

from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from accounts.models import ApiToken
from postmortems.models import ActionItem, EditConflict, Meeting, Postmortem, TimelineEntry
from tests.browser import axe
from tests.routes import NOT_PAGES, PAGES, get_url_names

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_every_page_of_the_site_is_walked():
    names = get_url_names()
    unnamed = sorted(names - set(PAGES) - NOT_PAGES)
    assert not unnamed, f"new pages, add them to PAGES (or NOT_PAGES) in tests/routes.py: {unnamed}"
    assert not set(PAGES) - names, "PAGES names URLs the site no longer has"


@pytest.fixture
def site(make, owner, editor, viewer, offline_source, make_slo, record_poll):
    """One of everything a page shows, with the rows pages highlight: an orphaned action item
    (no owner), an overdue one, a done one; a standard and a quick postmortem; an open meeting
    with guests, dissent and decisions; a closed meeting; an SLO with a poll; a refused edit."""
    service = make.service()
    incident = make.incident(title="Checkout 5xx after deploy", owner=owner, services=[service],
                             summary="Customers could not pay.",
                             customer_facing=True)
    postmortem = make.postmortem(incident, executive_summary="A bad deploy.",
                                 customers_affected=1200)
    entry = make.timeline_entry(postmortem, text="Error rate above 2%", kind="alert")
    make.timeline_entry(postmortem, at=incident.started_at + timedelta(minutes=20),
                        text="Rolled back", kind="action")
    why = make.why(postmortem, question="Why did checkout fail?", answer="A bad config.")
    make.why(postmortem, position=2, question="Why was it bad?", answer="No review.",
             is_root_cause=True)
    factor = postmortem.factors.create(text="No canary")
    item = make.action_item(incident, text="Tune the alert threshold", owner=None, ticket="")
    make.action_item(incident, text="Add a canary stage", owner=editor, due=date(2020, 1, 6))
    make.action_item(incident, text="Write the runbook", owner=editor,
                     status=ActionItem.Status.DONE)
    make.action_item(incident, text="Review config changes", owner=owner)
    meeting = Meeting.start(postmortem, editor)
    meeting.attendees.create(name="Guest")
    meeting.dissenting_views.create(name="Sam", text="The alert was fine.")
    meeting.decisions.create(text="Add a canary before the next release.")

    quick_incident = make.incident(title="Slow search", owner=owner)
    quick = make.postmortem(quick_incident, template=Postmortem.Template.QUICK,
                            executive_summary="Search was slow for ten minutes.")
    closed = Meeting.start(quick, editor)
    Meeting.objects.filter(pk=closed.pk).update(closed_at=timezone.now(),
                                                summary="Nothing to add.")

    slo = make_slo(offline_source)
    record_poll(slo, error_ratio=0.002)
    conflict = EditConflict.objects.create(
        model="postmortems.TimelineEntry", object_id=entry.pk, user=editor, base_version=1,
        current_version=2, fields=["text"], attempted={"text": "Error rate above 3%"})
    TimelineEntry.objects.filter(pk=entry.pk).update(version=2)
    for user in (editor, viewer):
        ApiToken.issue(user, "laptop")
    return {"incident": incident, "quick_incident": quick_incident, "entry": entry, "why": why,
            "factor": factor,
            "item": item, "meeting": meeting, "closed_meeting": closed, "slo": slo,
            "source": offline_source, "conflict": conflict}


def urls(site):
    for name, shown in PAGES.items():
        for label, args, query in shown:
            yield label, reverse(name, args=args(site)) + query


def walk(page, live_server, site):
    found = {}
    for label, url in [*urls(site), ("page not found", "/no-such-page/")]:
        response = page.goto(live_server.url + url)
        assert response.status < 500, f"{label} ({url}) answered {response.status}"
        page.wait_for_load_state("networkidle")
        found[f"{label} {url} [{response.status}]"] = axe.violations(page)
    return found


@pytest.mark.parametrize("persona", ["viewer", "editor", "admin"])
def test_no_page_has_an_accessibility_violation(live_server, page, login, site, persona,
                                                request):
    login(request.getfixturevalue(persona))
    found = walk(page, live_server, site)
    print(axe.dump(found))
    assert not any(found.values()), axe.describe(found)


# The main pages at 200 % zoom on a 1280 px wide screen: 640 CSS px.
MAIN_PAGES = ["home", "postmortems:incident_list", "postmortems:incident_detail",
              "postmortems:postmortem_edit", "postmortems:postmortem_print",
              "postmortems:action_list", "meetings:list", "meetings:run", "slos:dashboard",
              "slos:detail", "slos:edit", "accounts:profile"]


def test_the_main_pages_reflow_at_200_percent_zoom(live_server, page, login, site, editor,
                                                   screenshot):
    """WCAG 1.4.10: at 640 CSS px nothing scrolls sideways but a wide table in its own box."""
    login(editor)
    page.set_viewport_size({"width": 640, "height": 360})
    wide = {}
    for name in MAIN_PAGES:
        for label, args, query in PAGES[name][:1]:
            page.goto(live_server.url + reverse(name, args=args(site)) + query)
            page.wait_for_load_state("networkidle")
            width = page.evaluate("document.documentElement.scrollWidth")
            if width > 640:  # what sticks out (not counting inside a table's own box)
                wide[f"{label}: {width} px"] = page.evaluate("""() =>
                    [...document.querySelectorAll("body *")]
                    .filter(el => el.getBoundingClientRect().right > 641
                            && !el.parentElement.closest(".table-responsive"))
                    .slice(0, 8).map(el => el.tagName + "." + el.className)""")
            screenshot(page, f"reflow-640-{name.replace(':', '-')}")
    assert wide == {}


def test_forced_colours_keep_what_colour_alone_said(live_server, page, login, site, editor,
                                                    screenshot):
    """Windows high contrast (forced colours) drops backgrounds: the current agenda step is
    still marked (an outline), highlighted rows still say why in words (their badges)."""
    login(editor)
    page.emulate_media(forced_colors="active")
    page.set_viewport_size({"width": 1280, "height": 720})
    page.goto(f"{live_server.url}{reverse('meetings:run', args=[site['meeting'].pk])}"
              "?section=actions")
    outline = "el => getComputedStyle(el).outlineStyle"
    assert page.locator(".agenda-step.is-current").evaluate(outline) != "none"
    assert page.locator(".agenda-step:not(.is-current)").first.evaluate(outline) == "none"
    screenshot(page, "forced-colours-meeting")
    page.goto(f"{live_server.url}{reverse('postmortems:action_list')}")
    assert page.locator("tr.table-danger [data-testid=orphan-badge]").count() == 1
    assert page.locator("tr.table-warning .badge-overdue").count() == 1
    screenshot(page, "forced-colours-actions")


def test_the_editor_and_the_meeting_with_their_forms_open(live_server, page, login, site,
                                                           editor):
    """What a page shows once used: the editor's in-place forms (a timeline entry, a why, a
    factor) swapped in, one of them refused with its error; every folded form of each
    meeting section unfolded."""
    login(editor)
    found = {}
    incident = site["incident"]
    page.goto(f"{live_server.url}{reverse('postmortems:postmortem_edit', args=[incident.pk])}")
    for row in (f"#entry-{site['entry'].pk}", f"#why-{site['why'].pk}",
                f"#factor-{site['factor'].pk}"):
        page.locator(row).get_by_role("link", name="Edit").click()
        expect(page.locator(f"{row} form")).to_be_visible()
        # Each form takes the focus once swapped in (autofocus): typing before that could
        # land in the previous one.
        expect(page.locator(f"{row} form :focus")).to_have_count(1)
    why_form = page.locator(f"#why-{site['why'].pk} form")
    why_form.get_by_label("Question").fill("")
    why_form.get_by_role("button", name="Save").click()
    expect(page.locator(f"#why-{site['why'].pk} .invalid-feedback")).to_be_visible()
    found["editor, forms open, one refused"] = axe.violations(page)

    meeting = site["meeting"]
    for key in ("opening", "timeline", "analysis", "actions", "closing"):
        page.goto(f"{live_server.url}{reverse('meetings:run', args=[meeting.pk])}"
                  f"?section={key}")
        page.evaluate("document.querySelectorAll('details').forEach(d => d.open = true)")
        found[f"meeting {key}, forms unfolded"] = axe.violations(page)
    assert not any(found.values()), axe.describe(found)
