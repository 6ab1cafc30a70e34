"""A PostgreSQL database of realistic size for the page benchmark, built with bulk inserts.

Shaped as issue 9 says: N incidents over the last two years (8 timeline entries, 5 whys, 2
contributing factors, 5 action items each; ~10 % of items orphaned, ~5 % overdue), 50 services,
200 users, and M SLOs with 28 days of snapshots in their retention tiers (every 60 s poll for
48 h, every 5 minutes to 3 days, hourly within the window: what the poller keeps). Root causes
are drawn from a few hundred phrasings so that causes really recur. Built once per name, in one
transaction, and reused: the bench login marks a finished build.

    python -m bench.dataset --name pm_bench_10k --incidents 10000 --slos 1000

Database names start with BENCH_DATABASE_PREFIX (default `pm_bench`): `<prefix>_10k`,
`<prefix>_1k`. They never share a name with the site's database or a test database.
"""

import argparse
import io
import os
import random
import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta
from urllib.parse import urlsplit, urlunsplit

BENCH_USER, BENCH_PASSWORD = "bench", "bench"
BATCH = 5000

COMPONENTS = ["connection pool", "cache cluster", "load balancer", "DNS resolver", "queue consumer",
              "TLS certificate", "disk on the primary", "feature flag", "config push",
              "schema migration", "rate limiter", "retry policy", "health check", "cron job",
              "autoscaler", "CDN edge", "session store", "search index", "payment gateway client",
              "log shipper"]
FAILURES = ["was exhausted by client retries", "expired without an alert", "filled up overnight",
            "was rolled out to every region at once", "had no timeout", "was misconfigured",
            "ran out of memory under peak load", "was not monitored",
            "locked a hot table for minutes", "depended on a single zone"]
FACTORS = ["No runbook for this alert", "Dashboards lagged by ten minutes",
           "The on-call engineer was paged for an unrelated issue", "Staging differs from prod",
           "The change skipped the canary", "Alert thresholds were too loose",
           "Ownership of the component was unclear", "Rollback took longer than expected"]


def prefix():
    value = os.environ.get("BENCH_DATABASE_PREFIX", "pm_bench")
    if not value.replace("_", "").isalnum() or value.startswith("test_"):
        raise SystemExit(f"bench: BENCH_DATABASE_PREFIX={value!r} must be letters, digits and "
                         "underscores, and not start with test_")
    return value


def default_name(incidents):
    """The bench database for a size: pm_bench_10k, pm_bench_1k, pm_bench_500."""
    size = f"{incidents // 1000}k" if incidents >= 1000 else str(incidents)
    return f"{prefix()}_{size}"


def database_url(name):
    """DATABASE_URL with its database name replaced: the benchmark never touches another."""
    parts = urlsplit(os.environ.get("DATABASE_URL", "postgres://postmortems@127.0.0.1:5432/x"))
    return urlunsplit(parts._replace(path=f"/{name}"))


def bench_env(name, **extra):
    env = dict(os.environ, DATABASE_URL=database_url(name),
               DJANGO_SETTINGS_MODULE="config.settings")
    env.update(extra)
    return env


def ensure_database(name):
    """Create the database if missing (through the maintenance database)."""
    import psycopg

    with psycopg.connect(database_url("postgres"), autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if not exists:
            conn.execute(f'CREATE DATABASE "{name}"')


def is_built(name):
    import psycopg

    try:
        with psycopg.connect(database_url(name)) as conn:
            row = conn.execute("SELECT 1 FROM auth_user WHERE username = %s",
                               [BENCH_USER]).fetchone()
            return row is not None
    except psycopg.Error:
        return False


def build(name, incidents, slos, seed=9):
    """Create (or reuse) the database ``name``; migrations always run (new indexes apply)."""
    ensure_database(name)
    manage = [sys.executable, "manage.py"]
    subprocess.run([*manage, "migrate", "--noinput", "-v0"], env=bench_env(name), check=True)
    if is_built(name):
        print(f"bench: reusing {name}")
    else:
        started = time.perf_counter()
        subprocess.run([sys.executable, "-m", "bench.dataset", "--name", name,
                        "--incidents", str(incidents), "--slos", str(slos), "--seed", str(seed),
                        "--fill"], env=bench_env(name), check=True)
        print(f"bench: built {name} in {time.perf_counter() - started:.0f} s")
    if _needs_links(name):  # bulk inserts bypass saving, which links recurring causes
        started = time.perf_counter()
        subprocess.run([*manage, "link_recurring_causes"], env=bench_env(name), check=True)
        print(f"bench: linked recurring causes in {time.perf_counter() - started:.0f} s")
    vacuum(name)


def vacuum(name):
    """VACUUM ANALYZE, as autovacuum leaves a live site's tables: after a bulk load the
    visibility map is empty, so index-only scans would still read the table (quick when there
    is nothing to do)."""
    import psycopg

    with psycopg.connect(database_url(name), autocommit=True) as conn:
        conn.execute("VACUUM (ANALYZE)")


def _needs_links(name):
    import psycopg

    try:
        with psycopg.connect(database_url(name)) as conn:
            return conn.execute(
                "SELECT NOT EXISTS (SELECT 1 FROM postmortems_recurringcauselink)").fetchone()[0]
    except psycopg.Error:  # code without stored links (e.g. measuring before)
        return False


def _bulk(model, rows):
    model.objects.bulk_create(rows, batch_size=BATCH)


def fill(incident_count, slo_count, seed):
    """Runs inside Django, connected to the bench database."""
    from django.contrib.auth.hashers import make_password
    from django.contrib.auth.models import User

    from postmortems.models import (
        ActionItem,
        ContributingFactor,
        Incident,
        Postmortem,
        Service,
        TimelineEntry,
        Why,
    )

    rng = random.Random(seed)
    now = datetime.now(UTC).replace(microsecond=0)
    password = make_password(BENCH_PASSWORD)
    User.objects.create_superuser(BENCH_USER, "bench@example.com", BENCH_PASSWORD)
    users = [User(username=f"user{i:03d}", first_name=f"User {i:03d}", password=password,
                  is_active=i % 40 != 0) for i in range(200)]
    _bulk(User, users)
    users = list(User.objects.filter(username__startswith="user"))
    _bulk(Service, [Service(name=f"Service {i:02d}", slug=f"service-{i:02d}",
                            team=f"Team {i % 10}") for i in range(50)])
    services = list(Service.objects.all())

    span = timedelta(days=730)
    incidents = []
    for i in range(incident_count):
        started = now - span * (1 - i / incident_count) - timedelta(minutes=rng.randint(0, 600))
        resolved = started + timedelta(minutes=rng.randint(10, 600))
        still_open = i >= incident_count - max(5, incident_count // 200)
        incidents.append(Incident(
            title=f"{rng.choice(COMPONENTS).capitalize()} trouble #{i}",
            severity=rng.choice([1, 2, 2, 3, 3, 3, 4]),
            status=Incident.Status.OPEN if still_open else Incident.Status.RESOLVED,
            customer_facing=rng.random() < 0.5, summary="Customers saw **errors**.",
            owner=rng.choice(users), started_at=started,
            detected_at=started + timedelta(minutes=rng.randint(1, 30)),
            resolved_at=None if still_open else resolved))
    _bulk(Incident, incidents)
    incidents = list(Incident.objects.order_by("pk"))
    links = Incident.services.through
    _bulk(links, [links(incident_id=inc.pk, service_id=rng.choice(services).pk)
                  for inc in incidents])
    states = [Postmortem.State.DRAFT, Postmortem.State.IN_REVIEW, Postmortem.State.PUBLISHED]
    postmortems = []
    for inc in incidents:
        state = rng.choice(states)
        postmortems.append(Postmortem(
            incident=inc, author=inc.owner, what_happened="Requests failed for a while.",
            executive_summary="A *short* summary with `code`.", state=state,
            published_at=inc.resolved_at if state == Postmortem.State.PUBLISHED else None))
        if inc.resolved_at is None:
            postmortems[-1].state, postmortems[-1].published_at = Postmortem.State.DRAFT, None
    _bulk(Postmortem, postmortems)
    postmortems = list(Postmortem.objects.order_by("incident_id"))
    kinds = list(TimelineEntry.Kind.values)
    timeline, whys, factors = [], [], []
    for pm, inc in zip(postmortems, incidents, strict=True):
        # The latest incident is the editor's benchmark page: a long timeline of 100 entries.
        for n in range(100 if inc is incidents[-1] else 8):
            timeline.append(TimelineEntry(
                postmortem=pm, at=inc.started_at + timedelta(minutes=5 * n),
                kind=kinds[n % len(kinds)],
                text=f"Step {n}: the on-call engineer checked the {rng.choice(COMPONENTS)}."))
        root = (f"The {rng.choice(COMPONENTS)} {rng.choice(FAILURES)}"
                f" ({rng.choice(services).name})")
        for n in range(1, 6):
            whys.append(Why(postmortem=pm, position=n, question=f"Why did step {n} happen?",
                            answer=root if n == 5 else f"Because of layer {n}",
                            is_root_cause=n == 5))
        for n in range(1, 3):
            factors.append(ContributingFactor(postmortem=pm, position=n,
                                              text=rng.choice(FACTORS)))
    for model, rows in ((TimelineEntry, timeline), (Why, whys), (ContributingFactor, factors)):
        _bulk(model, rows)
    today = now.date()
    items = []
    for inc in incidents:
        for n in range(5):
            roll = rng.random()
            status = (ActionItem.Status.OPEN if inc.status == Incident.Status.OPEN or roll < 0.25
                      else ActionItem.Status.DONE)
            items.append(ActionItem(
                incident=inc, priority=rng.choice(ActionItem.Priority.values),
                text=f"Fix the {rng.choice(COMPONENTS)} ({n})", status=status,
                owner=None if roll < 0.04 else rng.choice(users),
                due=today + timedelta(days=rng.randint(-20, 120)) if roll > 0.02 else None,
                ticket="" if roll < 0.03 else f"OPS-{inc.pk * 10 + n}"))
    _bulk(ActionItem, items)
    _fill_slos(slo_count, services, now, rng)
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")


def tier_times(now, window_days):
    """When the snapshots an SLO keeps in steady state were taken, as the retention tiers
    leave them (Snapshot.objects.downsample): every poll for SLO_SNAPSHOT_RAW_HOURS, then one
    per 5 minutes to SLO_SNAPSHOT_FIVE_MINUTE_DAYS, then one per hour within the window."""
    from django.conf import settings

    poll = settings.SLO_POLL_INTERVAL
    raw = timedelta(hours=settings.SLO_SNAPSHOT_RAW_HOURS)
    five = max(raw, timedelta(days=settings.SLO_SNAPSHOT_FIVE_MINUTE_DAYS))
    window = timedelta(days=window_days)
    times = [now - timedelta(seconds=s) for s in range(0, int(raw.total_seconds()), poll)]
    times += [now - timedelta(minutes=m) for m in range(int(raw.total_seconds()) // 60,
                                                          int(five.total_seconds()) // 60, 5)]
    times += [now - timedelta(hours=h) for h in range(int(five.total_seconds()) // 3600,
                                                       int(window.total_seconds()) // 3600)]
    return times


def _fill_slos(count, services, now, rng):
    """SLOs and their snapshots; snapshots go in with COPY (hundreds of thousands of rows)."""
    from django.db import connection

    from slos.models import SLO, DataSource, Snapshot

    source = DataSource.objects.create(name="bench", url="http://127.0.0.1:9")
    slos = [SLO(service=services[i % len(services)], data_source=source, name=f"SLO {i:04d}",
                slug=f"slo-{i:04d}", target="99.9", window="28d",
                good_query='sum(rate(http_requests_total{status!~"5.."}[$window]))',
                total_query="sum(rate(http_requests_total[$window]))") for i in range(count)]
    SLO.objects.bulk_create(slos, batch_size=BATCH)
    ids = list(SLO.objects.values_list("pk", flat=True))
    times = tier_times(now, window_days=28)
    ratios = '{"5m": 0.0004, "30m": 0.0005, "1h": 0.0006, "6h": 0.0007, "3d": 0.0008}'
    with connection.cursor() as cursor:
        for start in range(0, len(ids), 50):
            buffer = io.StringIO()
            for slo_id in ids[start:start + 50]:
                for at in times:
                    budget = 0.5 + 0.4 * rng.random()
                    buffer.write(f"{slo_id}\t{at.isoformat()}\tok\t\t\t0.9995\t{budget}\t"
                                 f"{ratios}\trecorded\n")
            buffer.seek(0)
            columns = "slo_id, taken_at, status, fault, error, sli, budget_remaining, " \
                      "error_ratios, source"
            with cursor.cursor.copy(f"COPY {Snapshot._meta.db_table} ({columns}) FROM STDIN") \
                    as copy:
                copy.write(buffer.read())
        cursor.execute(f"""
            UPDATE {SLO._meta.db_table} s SET latest_snapshot_id = latest.id,
                   last_good_at = latest.taken_at
            FROM (SELECT DISTINCT ON (slo_id) slo_id, id, taken_at
                  FROM {Snapshot._meta.db_table} ORDER BY slo_id, taken_at DESC) latest
            WHERE latest.slo_id = s.id""")


def main(argv):
    parser = argparse.ArgumentParser(prog="python -m bench.dataset")
    parser.add_argument("--name", help="default: <BENCH_DATABASE_PREFIX>_10k for 10,000")
    parser.add_argument("--incidents", type=int, default=10_000)
    parser.add_argument("--slos", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=9)
    parser.add_argument("--fill", action="store_true", help="(internal) fill the connected db")
    options = parser.parse_args(argv)
    options.name = options.name or default_name(options.incidents)
    if options.fill:
        import django

        django.setup()
        from django.db import transaction

        with transaction.atomic():
            fill(options.incidents, options.slos, options.seed)
    else:
        build(options.name, options.incidents, options.slos, options.seed)


if __name__ == "__main__":
    main(sys.argv[1:])
