"""The meeting screens' poll: "what changed since <cursor>" for one postmortem with a long
history, among many other postmortems with theirs. Every open meeting screen asks it every
2.5 s, so it must stay cheap however long the history grows.

Creates the data in a throw-away test database (histories written with simple-history's bulk
helpers), then times the feed for a typical poll (a few fresh changes) and for a screen coming
back after a long sleep (many changes, capped at the feed's limit).

    python -m bench.meeting_feed [--postmortems 50] [--entries 200] [--edits 5] [--polls 200]
"""

import argparse
import os
import statistics
import sys
import time
from datetime import timedelta

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")


def populate(postmortems, entries, edits):
    from django.utils import timezone
    from simple_history.utils import bulk_create_with_history, bulk_update_with_history

    from postmortems.models import ActionItem, Incident, Meeting, Postmortem, TimelineEntry

    start = timezone.now() - timedelta(days=30)
    documents = []
    for n in range(postmortems):
        incident = Incident.objects.create(title=f"Bench incident {n}", started_at=start)
        documents.append(Postmortem.objects.create(incident=incident))
    for document in documents:
        rows = bulk_create_with_history([
            TimelineEntry(postmortem=document, at=start + timedelta(minutes=i),
                          text=f"entry {i}") for i in range(entries)], TimelineEntry)
        rows = list(TimelineEntry.objects.filter(postmortem=document))
        for edit in range(edits):
            for row in rows:
                row.text = f"entry {row.pk} edit {edit}"
                row.version += 1
            bulk_update_with_history(rows, TimelineEntry, ["text", "version"])
        bulk_create_with_history([
            ActionItem(incident_id=document.incident_id, text=f"item {i}")
            for i in range(entries // 10)], ActionItem)
        Meeting.start(document, None)
    # Everything so far happened a day ago; the polled document then gets a few fresh changes.
    for model in (Incident, Postmortem, TimelineEntry, ActionItem, Meeting):
        model.history.update(history_date=timezone.now() - timedelta(days=1))
    return documents


def timed(function, times):
    durations = []
    for _ in range(times):
        started = time.perf_counter()
        function()
        durations.append((time.perf_counter() - started) * 1000)
    durations.sort()
    return statistics.median(durations), durations[int(len(durations) * 0.95) - 1]


def main(argv):
    parser = argparse.ArgumentParser(prog="python -m bench.meeting_feed")
    parser.add_argument("--postmortems", type=int, default=50)
    parser.add_argument("--entries", type=int, default=200)
    parser.add_argument("--edits", type=int, default=5)
    parser.add_argument("--polls", type=int, default=200)
    options = parser.parse_args(argv)

    import django

    django.setup()
    from django.db import connection
    from django.test.utils import setup_test_environment, teardown_test_environment
    from django.utils import timezone

    from bench import dataset
    from postmortems.models import TimelineEntry
    from postmortems.revisions.changes import changes_since

    # Its own throw-away database, never a test database's name (pytest may be using it).
    connection.settings_dict["TEST"]["NAME"] = f"{dataset.prefix()}_meeting_feed"
    setup_test_environment()
    test_db = connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        started = time.perf_counter()
        documents = populate(options.postmortems, options.entries, options.edits)
        rows = TimelineEntry.history.count()
        print(f"{options.postmortems} postmortems, {rows} timeline history rows "
              f"(created in {time.perf_counter() - started:.1f} s)")
        polled = documents[0]
        for entry in list(polled.timeline.all()[:3]):
            entry.text += " (fresh)"
            entry.version += 1
            entry.save()
        since = timezone.now() - timedelta(seconds=10)
        answer = changes_since(polled, since)
        median, p95 = timed(lambda: changes_since(polled, since), options.polls)
        print(f"typical poll ({len(answer['changes'])} changes): median {median:.2f} ms, "
              f"p95 {p95:.2f} ms over {options.polls} polls")
        long_ago = timezone.now() - timedelta(days=2)
        answer = changes_since(polled, long_ago)
        median, p95 = timed(lambda: changes_since(polled, long_ago), options.polls // 4 or 1)
        print(f"back after a long sleep ({len(answer['changes'])} changes, capped): "
              f"median {median:.2f} ms, p95 {p95:.2f} ms")
    finally:
        connection.creation.destroy_test_db(test_db, verbosity=0)
        teardown_test_environment()


if __name__ == "__main__":
    main(sys.argv[1:])
