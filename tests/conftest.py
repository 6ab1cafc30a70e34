"""Shared fixtures: the real services (PostgreSQL, Redis, a Celery worker process, Chromium)
and the personas the tests act as."""

import functools
import os
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth.models import Group

from postmortems.models import EditConflict, Meeting, TimelineEntry
from tests import factories
from tests.slos.servers import free_port
from tests.trackers.servers import TEST_KEY as TRACKER_TEST_KEY
from trackers.models import TrackerConnection

ROOT = Path(__file__).resolve().parent.parent
ARTIFACTS = ROOT / "test-artifacts"

# The live_server fixture runs in a thread beside Playwright's event loop.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


def pytest_sessionstart(session):
    """Refuse to run anywhere but PostgreSQL, with a message that says what to do."""
    database = settings.DATABASES["default"]
    if database["ENGINE"] != "django.db.backends.postgresql":
        pytest.exit(
            "The tests run on PostgreSQL only: set DATABASE_URL=postgres://… "
            "(`make test` does, and starts PostgreSQL when it is down).",
            returncode=3,
        )
    import psycopg

    try:
        psycopg.connect(
            dbname="postgres", user=database["USER"], password=database["PASSWORD"],
            host=database["HOST"], port=database["PORT"] or 5432, connect_timeout=5,
        ).close()
    except psycopg.OperationalError as exc:
        pytest.exit(
            f"PostgreSQL at {database['HOST']}:{database['PORT']} cannot be reached "
            f"({str(exc).strip().splitlines()[0]}). Start it, or run `make services`.",
            returncode=3,
        )


@pytest.fixture(scope="session")
def xdist_suffix(worker_id):
    return "" if worker_id == "master" else f"-{worker_id}"


@pytest.fixture(scope="session", autouse=True)
def celery_queue_per_test_worker(xdist_suffix):
    """Each xdist worker sends its tasks to its own queue, so a task is never taken by a
    Celery worker attached to another test database."""
    from config.celery import app

    queue = f"{settings.CELERY_TASK_DEFAULT_QUEUE}-tests{xdist_suffix}"
    app.conf.task_default_queue = queue
    return queue


@pytest.fixture(scope="session")
def _celery_worker(django_db_setup, django_db_blocker, celery_queue_per_test_worker,
                   xdist_suffix):
    """A real `celery worker` process on the test database, started once per test worker.
    It listens to an idle queue; `celery_worker_process` points it at this test worker's queue
    for one test at a time. Returns (its node name, the process)."""
    from django.db import connection

    queue = celery_queue_per_test_worker
    node = f"tests{xdist_suffix or '-main'}@{socket.gethostname()}"
    env = dict(os.environ)
    test_db = connection.settings_dict["NAME"]
    db = settings.DATABASES["default"]
    env["DATABASE_URL"] = (
        f"postgres://{db['USER']}@{db['HOST']}:{db['PORT'] or 5432}/{test_db}"
    )
    env["CELERY_TASK_DEFAULT_QUEUE"] = queue
    # Ticket trackers on, calling the tests' local tracker servers (tests/trackers/servers.py).
    env["TRACKER_ENCRYPTION_KEY"] = TRACKER_TEST_KEY
    env["TRACKER_ALLOWED_HOSTS"] = "127.0.0.1"
    ARTIFACTS.mkdir(exist_ok=True)
    log = open(ARTIFACTS / f"celery-worker{queue}.log", "w")  # noqa: SIM115
    process = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "config", "worker", "--pool=solo",
         "--loglevel=INFO", "-n", node, "-Q", f"{queue}-idle", "--without-heartbeat",
         "--without-gossip", "--without-mingle"],
        cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
    )
    from config.celery import app

    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"the Celery worker exited early; see {log.name}")
        if app.control.inspect(destination=[node], timeout=1).ping():
            break
    else:
        process.terminate()
        pytest.fail(f"the Celery worker did not answer a ping within 60 s; see {log.name}")
    yield node, process
    process.terminate()
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        process.kill()
    log.close()


@pytest.fixture
def celery_worker_process(_celery_worker, celery_queue_per_test_worker):
    """The real Celery worker, consuming this test worker's queue through the real broker
    during this test only. Use with @pytest.mark.django_db(transaction=True).

    Other tests' commits queue tasks too (e.g. linking recurring causes); those are dropped
    first, and the worker stops consuming and finishes what it holds before the test's data is
    flushed, so no task runs against the database while another test truncates it."""
    from config.celery import app

    node, process = _celery_worker
    queue = celery_queue_per_test_worker
    with app.connection_for_write() as conn:
        conn.default_channel.queue_purge(queue)
    app.control.add_consumer(queue, destination=[node], reply=True, timeout=10)
    yield process
    app.control.cancel_consumer(queue, destination=[node], reply=True, timeout=30)
    inspect = app.control.inspect(destination=[node], timeout=1)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        held = [*(inspect.active() or {}).get(node, []), *(inspect.reserved() or {}).get(node, [])]
        if not held:
            break
        time.sleep(0.2)


@pytest.fixture
def sqlite_manage(tmp_path):
    """Run `manage.py <args>` as `make run` does with nothing installed: DEBUG, SQLite in a
    fresh folder, Celery's filesystem transport. Returns what the command printed."""
    env = {k: v for k, v in os.environ.items()
           if k not in {"DATABASE_URL", "CELERY_BROKER_URL", "SECRET_KEY"}}
    env.update(DEBUG="1", DATABASE_URL=f"sqlite:///{tmp_path}/demo.sqlite3",
               VAR_DIR=str(tmp_path))

    def manage(*args):
        result = subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=env,
                                capture_output=True, text=True, timeout=300)
        assert result.returncode == 0, result.stdout + result.stderr
        return result.stdout

    return manage


# --- Single sign-on ----------------------------------------------------------------------

@pytest.fixture(scope="session")
def identity_provider(tmp_path_factory):
    """A real OpenID Connect provider (django-oidc-provider) in its own process and port."""
    from tests.accounts.oidc_provider.process import IdentityProvider

    ARTIFACTS.mkdir(exist_ok=True)
    port = free_port()
    with open(ARTIFACTS / f"identity-provider-{port}.log", "w") as log:
        provider = IdentityProvider(tmp_path_factory.mktemp("idp"), port, log).start(port)
        yield provider
        provider.stop()


@pytest.fixture
def single_sign_on(identity_provider, live_server, settings):
    """This site signs in through the identity provider (registered as its client), the
    provider's groups sre-admins, sre and staff mapped to admin, editor and viewer."""
    from django.core.cache import cache

    identity_provider.register("postmortems", "client-secret-for-tests", live_server.url)
    settings.OIDC_DISCOVERY_URL = identity_provider.discovery_url
    settings.OIDC_CLIENT_ID = "postmortems"
    settings.OIDC_CLIENT_SECRET = "client-secret-for-tests"
    settings.OIDC_PROVIDER_NAME = "Example IdP"
    settings.OIDC_ROLE_MAP = {"sre-admins": "admin", "sre": "editor", "staff": "viewer"}
    settings.AUTHENTICATION_BACKENDS = ["axes.backends.AxesStandaloneBackend",
                                        "accounts.sso.SsoBackend",
                                        "django.contrib.auth.backends.ModelBackend"]
    cache.clear()  # the discovery document of an earlier provider
    yield identity_provider
    cache.clear()


# --- Browser ----------------------------------------------------------------------------

def chromium_path():
    return os.environ.get("CHROMIUM_PATH") or shutil.which("chromium") or "/usr/bin/chromium"


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {
        **browser_type_launch_args,
        "executable_path": chromium_path(),
        "headless": True,
        "args": [
            "--no-sandbox", "--disable-gpu", "--disable-background-networking",
            "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic",
        ],
    }


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    return {**browser_context_args, "viewport": {"width": 1400, "height": 900},
            "timezone_id": "UTC"}


@pytest.fixture
def login(live_server, context):
    """Log a persona into the browser context without typing (the login flow has its own test)."""
    from django.test import Client

    def log_in(user, page=None):
        client = Client()
        client.force_login(user)
        cookie = client.cookies[settings.SESSION_COOKIE_NAME]
        context.add_cookies([{"name": settings.SESSION_COOKIE_NAME, "value": cookie.value,
                              "url": live_server.url}])
        return page

    return log_in


@pytest.fixture
def screenshot(request):
    """Save a full-page screenshot under test-artifacts/screenshots/ to look at."""
    folder = ARTIFACTS / "screenshots"
    folder.mkdir(parents=True, exist_ok=True)

    def take(page, name):
        path = folder / f"{name}.png"
        page.screenshot(path=str(path), full_page=True)
        return path

    return take


@pytest.fixture(autouse=True)
def _plain_static_files_for_the_live_server(request, settings):
    """The live server serves static files from the finders, which know the plain names,
    not the hashed ones of the production manifest storage (`make test` runs collectstatic,
    which proves the manifest builds)."""
    if "live_server" in request.fixturenames:
        settings.STORAGES = {
            **settings.STORAGES,
            "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
        }


# --- Shared data: factories and personas ------------------------------------------------


@pytest.fixture
def make():
    """The factories of both apps, as a fixture: make.incident(...), make.slo(...)."""
    return factories


@pytest.fixture
def frozen_now(time_machine):
    """Time stands still at factories.NOW (a Monday, 12:00 UTC) for the test: what is overdue,
    recent or stale does not depend on the day the suite runs. Not for tests that talk to the
    real Prometheus or a browser, whose clocks time-machine cannot move."""
    time_machine.move_to(factories.NOW, tick=False)
    return factories.NOW


@pytest.fixture
def service(db):
    """The Checkout service."""
    return factories.service()


@pytest.fixture
def make_source(db):
    """make_source(url, name=None, **fields) -> a data source."""
    return factories.data_source


@pytest.fixture
def make_slo(db, service):
    """make_slo(data_source, name="Availability", ...) -> a validated SLO of Checkout."""
    return functools.partial(factories.slo, service_=service)


@pytest.fixture
def closed_port_url():
    """A URL nothing listens on: connections are refused."""
    return f"http://127.0.0.1:{free_port()}"


@pytest.fixture
def offline_source(make_source, closed_port_url):
    """A data source nobody answers for: pages and maths tests need no Prometheus."""
    return make_source(closed_port_url, name="offline")


@pytest.fixture
def record_poll(db):
    """record_poll(slo, error_ratio=…, status=…) stores a snapshot as the poller would."""
    return factories.snapshot


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    """The personas' passwords are hashed on creation; a fast hasher keeps these tests quick
    (the login flow itself is tested with the real hasher in tests/browser/test_login.py)."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


# --- Personas: who the tests act as -------------------------------------------------------

def _user(django_user_model, name, role=None, **fields):
    user = django_user_model.objects.create_user(
        name, f"{name}@example.com", f"{name}-password", first_name=name.capitalize(), **fields
    )
    if role:
        user.groups.add(Group.objects.get_or_create(name=role)[0])
    return user


@pytest.fixture
def viewer(django_user_model):
    """Victor reads everything and edits nothing (group viewer)."""
    return _user(django_user_model, "victor", "viewer")


@pytest.fixture
def editor(django_user_model):
    """Erin, an SRE who writes postmortems and edits any of them (group editor)."""
    return _user(django_user_model, "erin", "editor")


@pytest.fixture
def admin(django_user_model):
    """Ada runs the site: everything an editor does, plus deleting SLOs (group admin)."""
    return _user(django_user_model, "ada", "admin")


@pytest.fixture
def owner(django_user_model):
    """Olga, a viewer who owns the incident: edits her own until it is published."""
    return _user(django_user_model, "olga", "viewer")


@pytest.fixture
def outsider(django_user_model):
    """Oscar, from another team: in no role group (the site's default role decides what he
    may do), owns and wrote nothing."""
    return _user(django_user_model, "oscar")


@pytest.fixture
def viewer_client(client, viewer):
    client.force_login(viewer)
    return client


@pytest.fixture
def editor_client(client, editor):
    client.force_login(editor)
    return client


@pytest.fixture
def admin_client(client, admin):
    """Ada signed in (replaces pytest-django's superuser admin_client)."""
    client.force_login(admin)
    return client


@pytest.fixture
def postmortem(make, owner):
    incident = make.incident(title="Checkout errors", owner=owner)
    return make.postmortem(incident)


@pytest.fixture
def meeting(postmortem, editor):
    return Meeting.start(postmortem, editor)


@pytest.fixture
def world(make, owner):
    """An incident owned by the owner persona (a viewer), its postmortem with one of everything,
    an open meeting."""
    incident = make.incident(owner=owner)
    postmortem = make.postmortem(incident)
    entry = make.timeline_entry(postmortem)
    gone = make.timeline_entry(postmortem, text="deleted")
    gone_pk = gone.pk
    gone.delete()
    why = make.why(postmortem)
    factor = postmortem.factors.create(text="No canary")
    item = make.action_item(incident, owner=None)
    meeting = Meeting.start(postmortem, None)
    attendee = meeting.attendees.create(name="Guest")
    dissent = meeting.dissenting_views.create(name="Sam", text="Disagree")
    decision = meeting.decisions.create(text="Decided")
    trashed = make.incident(title="Deleted by mistake").move_to_trash()
    # A ticket tracker (its credentials are not needed to reach its pages).
    tracker = TrackerConnection.objects.create(
        name="Shop issues", kind="github", base_url="https://api.github.com",
        project="acme/shop", is_default=True)
    return {
        "owner": owner, "incident": incident, "postmortem": postmortem, "entry": entry,
        "why": why, "factor": factor, "item": item, "meeting": meeting,
        "attendee": attendee, "dissent": dissent, "decision": decision, "trashed": trashed,
        "tracker": tracker,
        "deleted_entry": TimelineEntry.history.get(id=gone_pk, history_type="-"),
        "conflict": EditConflict.objects.create(
            model="postmortems.TimelineEntry", object_id=entry.pk, user=owner,
            base_version=1, current_version=2, fields=["text"], attempted={"text": "x"}),
    }


@pytest.fixture(scope="session")
def calendar_prometheus(tmp_path_factory):
    """A real Prometheus holding tests/slos/calendar_history.py's fixed dates (60 days'
    retention, counted from its newest sample): (url, history)."""
    from tests.slos.backfilled import backfilled_prometheus
    from tests.slos.calendar_history import CalendarHistory

    history = CalendarHistory.build()
    with backfilled_prometheus(tmp_path_factory.mktemp("calendar"), history.openmetrics(),
                               retention="60d") as url:
        yield url, history
