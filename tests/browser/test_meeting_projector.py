"""Meeting mode reads from the back of the room: on a 1280x720 projector the type is large,
the section clock is huge, and the section fits the width."""

import pytest
from playwright.sync_api import expect

from postmortems.models import Meeting
from tests import factories

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def px(page, selector, prop="font-size"):
    return float(page.eval_on_selector(
        selector, f"el => getComputedStyle(el).getPropertyValue('{prop}')").rstrip("px"))


@pytest.mark.parametrize("width,height", [(1280, 720), (1920, 1080)])
def test_the_meeting_screen_is_readable_on_a_projector(live_server, page, login, editor,
                                                       screenshot, width, height):
    incident = factories.incident(title="Checkout 5xx after deploy", owner=editor)
    postmortem = factories.postmortem(incident)
    factories.timeline_entry(postmortem, text="Error rate above 2%", kind="alert")
    factories.action_item(incident, text="Tune the alert threshold", owner=None)
    meeting = Meeting.start(postmortem, editor)
    login(editor)
    page.set_viewport_size({"width": width, "height": height})
    page.goto(f"{live_server.url}/meetings/{meeting.pk}/?section=timeline")
    expect(page.get_by_role("heading", name="Timeline walk-through")).to_be_visible()

    assert px(page, "body") >= 21
    assert px(page, ".clock-section .clock-value") >= 56
    assert px(page, "#timeline .section-title") >= 36
    assert px(page, ".timeline-text") >= 22
    # Nothing runs off the side of the screen.
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    screenshot(page, f"meeting-projector-{width}x{height}")
