"""Stress: N writers (threads, each its own HTTP session) hammer the same action items through
the live server, half the time with a stale version. Afterwards every accepted write is in the
history, the versions form one unbroken chain per item (no two writes accepted on the same base:
no lost update), and every refused write is a recorded conflict carrying what was sent."""

import random
import re
import threading
from collections import Counter

import httpx
import pytest
from django.conf import settings

from postmortems.models import ActionItem, EditConflict, Meeting
from tests import factories

pytestmark = pytest.mark.django_db(transaction=True)

WRITERS = 6
WRITES_EACH = 15
VERSIONS = re.compile(r'id="item-(\d+)" data-item="\d+" data-version="(\d+)"')


def session_for(user, base_url):
    from django.test import Client

    client = Client()
    client.force_login(user)
    http = httpx.Client(base_url=base_url, follow_redirects=False, timeout=30)
    http.cookies.set(settings.SESSION_COOKIE_NAME, client.cookies[settings.SESSION_COOKIE_NAME]
                     .value)
    return http


def test_concurrent_writers_lose_nothing(live_server, editor, admin, outsider):
    incident = factories.incident(owner=editor)
    postmortem = factories.postmortem(incident)
    items = [factories.action_item(incident, text=f"item {n}", owner=editor, ticket="OPS-1")
             for n in range(3)]
    meeting = Meeting.start(postmortem, editor)
    people = [editor, admin, outsider]
    section_url = f"/meetings/{meeting.pk}/sections/actions/"
    results = []  # (writer, item pk, base version, text, status)
    lock = threading.Lock()
    start = threading.Barrier(WRITERS)

    def writer(number):
        rng = random.Random(number)
        http = session_for(people[number % len(people)], live_server.url)
        # The CSRF cookie is "Secure" outside DEBUG: carry it over plain HTTP by hand.
        token = http.get(f"/meetings/{meeting.pk}/").cookies[settings.CSRF_COOKIE_NAME]
        http.cookies.set(settings.CSRF_COOKIE_NAME, token)
        known = {}
        start.wait()
        for iteration in range(WRITES_EACH):
            if not known or rng.random() < 0.5:  # fresh: read the versions now
                page = http.get(section_url).text
                known = {int(pk): int(version) for pk, version in VERSIONS.findall(page)}
            item = rng.choice(items)
            base = known[item.pk]
            text = f"writer {number} write {iteration}"
            prefix = f"item-{item.pk}"
            response = http.post(f"/meetings/{meeting.pk}/actions/{item.pk}/edit/", data={
                f"{prefix}-version": str(base), f"{prefix}-priority": "P1",
                f"{prefix}-text": text, f"{prefix}-owner": str(editor.pk),
                f"{prefix}-due": "2099-01-01", f"{prefix}-ticket": "OPS-1",
                f"{prefix}-status": "open",
            }, headers={"X-CSRFToken": token, "Referer": live_server.url})
            with lock:
                results.append((number, item.pk, base, text, response.status_code))
        http.close()

    threads = [threading.Thread(target=writer, args=(n,)) for n in range(WRITERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)

    statuses = Counter(status for *_, status in results)
    assert len(results) == WRITERS * WRITES_EACH
    assert set(statuses) <= {303, 409}, statuses
    assert statuses[303] > 0 and statuses[409] > 0, statuses  # both really happened

    accepted = [r for r in results if r[4] == 303]
    refused = [r for r in results if r[4] == 409]
    for item in items:
        history = list(ActionItem.history.filter(id=item.pk).order_by("history_id")
                       .values_list("version", "text"))
        versions = [version for version, _ in history]
        # One unbroken chain: 1, 2, 3, … each version written exactly once.
        assert versions == list(range(1, len(versions) + 1))
        mine = [r for r in accepted if r[1] == item.pk]
        assert len(mine) == len(versions) - 1
        by_text = {text: version for version, text in history}
        for _, _, base, text, _ in mine:
            # Accepted: in the history, written on top of the version it was based on.
            assert by_text[text] == base + 1
        current = ActionItem.objects.get(pk=item.pk)
        assert (current.version, current.text) == history[-1]

    conflicts = list(EditConflict.objects.values_list("object_id", "base_version",
                                                      "attempted__text"))
    assert sorted(conflicts) == sorted((pk, base, text) for _, pk, base, text, _ in refused)
