"""The meeting screen on a 1280x720 projector: the current agenda section gets most of the
height (a compact header and agenda bar that stay in view with the timer), nothing overlaps,
the blameless reminder is said once and the keyboard still walks the agenda."""

import pytest
from playwright.sync_api import expect

from postmortems.models import Meeting
from tests import factories
from tests.conftest import ARTIFACTS

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SECTIONS = ["opening", "timeline", "analysis", "actions", "closing"]


def measure(page):
    """The page scrolled to the top: where the current section's box starts, and the height
    it has from there to the bottom of the viewport (less any fixed bar below it)."""
    return page.evaluate("""() => {
        window.scrollTo({top: 0, behavior: "instant"});
        const height = window.innerHeight;
        const current = document.querySelector(".meeting-section.is-current");
        const top = current.querySelector(".section-main").getBoundingClientRect().top;
        const body = current.querySelector(".section-body").getBoundingClientRect().top;
        let covered = 0;
        for (const el of document.querySelectorAll("*")) {
            const style = getComputedStyle(el);
            if (style.position !== "fixed" && style.position !== "sticky") continue;
            const box = el.getBoundingClientRect();
            if (box.height > 0 && box.top > top && box.top < height) {
                covered += Math.min(height, box.bottom) - box.top;
            }
        }
        return {height, top, content: height - top - covered, body: height - body - covered};
    }""")


def overlaps(page):
    """Pairs of the screen's blocks (header parts, agenda steps, the section, its tips) whose
    boxes intersect."""
    return page.evaluate("""() => {
        const blocks = [".meeting-title", ".clock-section", ".clock-overall", "#timer-toggle",
                        ...[...document.querySelectorAll(".agenda-step")].map(
                            (_, i) => `.agenda-steps > li:nth-child(${i + 1})`),
                        ".meeting-section.is-current .section-main",
                        ".meeting-section.is-current .section-side"];
        const boxes = blocks.map(s => [s, document.querySelector(s).getBoundingClientRect()]);
        const found = [];
        for (let i = 0; i < boxes.length; i++) for (let j = i + 1; j < boxes.length; j++) {
            const [a, p] = boxes[i], [b, q] = boxes[j];
            if (p.left < q.right - 1 && q.left < p.right - 1 && p.top < q.bottom - 1
                && q.top < p.bottom - 1) found.push(`${a} / ${b}`);
        }
        return found;
    }""")


def world(editor):
    incident = factories.incident(title="Checkout 5xx after deploy", owner=editor)
    postmortem = factories.postmortem(incident)
    for minute, text in enumerate(["Deploy 42 started", "Error rate above 2%",
                                   "On-call acknowledged", "Rolled back", "Errors back to 0"]):
        factories.timeline_entry(postmortem, text=text,
                                 at=factories.T0.replace(minute=minute * 5))
    factories.action_item(incident, text="Tune the alert threshold", owner=None)
    return Meeting.start(postmortem, editor)


def viewport_shot(page, name):
    folder = ARTIFACTS / "screenshots"
    folder.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(folder / f"{name}.png"))


@pytest.mark.parametrize("width,height", [(1280, 720), (1280, 800)])
def test_the_current_section_gets_most_of_the_height(live_server, page, login, editor,
                                                     width, height):
    meeting = world(editor)
    login(editor)
    page.set_viewport_size({"width": width, "height": height})
    shares = {}
    for key in SECTIONS:
        page.goto(f"{live_server.url}/meetings/{meeting.pk}/?section={key}")
        measured = measure(page)
        shares[key] = measured["content"] / measured["height"]
        print(f"{width}x{height} {key}: section box from {measured['top']:.0f} px, "
              f"{measured['content']:.0f} px = {shares[key]:.0%} of the height; its body "
              f"{measured['body']:.0f} px = {measured['body'] / measured['height']:.0%}")
        assert overlaps(page) == [], key
        assert page.evaluate("document.documentElement.scrollWidth") <= width
        viewport_shot(page, f"meeting-{key}-{width}x{height}")
    assert min(shares.values()) >= 0.6, shares


def test_the_timer_stays_in_view_and_the_keyboard_walks_the_agenda(live_server, page, login,
                                                                   editor):
    meeting = world(editor)
    login(editor)
    page.set_viewport_size({"width": 1280, "height": 720})
    page.goto(f"{live_server.url}/meetings/{meeting.pk}/?section=opening")
    # The reminder is said once on the screen (its words nowhere else).
    text = page.locator("#meeting").inner_text()
    assert text.count("learn, not blame") == 1
    assert text.lower().count("culprit") == 1

    page.keyboard.press("2")
    expect(page.get_by_role("heading", name="Timeline walk-through")).to_be_visible()
    page.keyboard.press("ArrowRight")
    expect(page.locator(".agenda-step[aria-current=step]")).to_have_attribute(
        "data-goto", "analysis")
    page.keyboard.press("p")
    expect(page.locator(".agenda-step[aria-current=step]")).to_have_attribute(
        "data-goto", "timeline")
    assert measure(page)["content"] / 720 >= 0.6

    # Scrolled down the timeline: the header and its timer stay at the top...
    page.evaluate('window.scrollTo({top: document.body.scrollHeight, behavior: "instant"})')
    assert page.evaluate("window.scrollY") > 100
    timer = page.get_by_test_id("section-timer").bounding_box()
    assert timer["y"] >= 0 and timer["y"] + timer["height"] <= 200
    # ...and a control reached with the keyboard is not hidden under them.
    bar = page.locator(".meeting-bar").bounding_box()
    page.locator(".agenda-step[data-goto=closing]").focus()
    page.keyboard.press("Tab")  # into the section: scrolled (smoothly) to just below the bar
    assert page.evaluate("!!document.activeElement.closest('.meeting-section.is-current')")
    page.wait_for_function("""(barBottom) => {
        const box = document.activeElement.getBoundingClientRect();
        return box.top >= barBottom - 1 && box.bottom <= window.innerHeight;
    }""", arg=bar["y"] + bar["height"], timeout=3000)
    settled(page)
    timer = page.get_by_test_id("section-timer").bounding_box()
    assert timer["y"] >= 0 and timer["y"] + timer["height"] <= 200
    viewport_shot(page, "meeting-timeline-scrolled-1280x720")


def settled(page):
    """Wait until a smooth scroll has stopped (Bootstrap scrolls smoothly)."""
    page.wait_for_function("""() => new Promise(done => {
        const y = window.scrollY;
        setTimeout(() => done(window.scrollY === y), 200);
    })""")
