"""Every form POST and every query parameter, fuzzed (issue 10, finding 7): no answer is a
500, and a refused request (4xx) changes no row.

POST endpoints: every mutating URL of the role test (postmortems, meetings, revisions) and
the SLO app's, with the field names read from the page's own form plus strays. Query
parameters: every page reached by following the site's links from the dashboard, with the
parameter names of its GET forms plus the usual ones."""

import re
from urllib.parse import urlsplit

import pytest
from django.apps import apps
from django.db import connection
from django.urls import reverse
from hypothesis import given
from hypothesis import strategies as st

from accounts.roles import set_role
from tests.fuzz.figures import FUZZ, fuzz, record
from tests.fuzz.strategies import form, values
from tests.routes import ADMIN_ONLY, MUTATING

pytestmark = pytest.mark.django_db

FIELD_NAME = re.compile(r'name="([a-zA-Z0-9_\-]+)"')
QUERY_NAMES = ["since", "page", "q", "status", "sort", "order", "next", "owner", "service",
               "severity", "state", "from", "to", "window", "range", "format", "kind",
               "month"]
SKIP_FIELDS = {"csrfmiddlewaretoken"}


# Who has the editor open: showing the editor again with a refused form records that, and it is
# not data anybody typed.
NOT_DATA = {"postmortems.Presence"}


def _fingerprint_sql():
    """One SELECT of every count and summed version (the fingerprint runs twice a request)."""
    parts, labels = [], []
    for app in ("postmortems", "slos", "config", "accounts", "auth", "trackers"):
        for model in apps.get_app_config(app).get_models():
            if model.__name__.startswith("Historical") or model._meta.label in NOT_DATA:
                continue  # history rows follow the rows themselves
            table = connection.ops.quote_name(model._meta.db_table)
            parts.append(f"(SELECT COUNT(*) FROM {table})")
            labels.append(model._meta.label)
            if any(f.name == "version" for f in model._meta.fields):
                parts.append(f"(SELECT SUM(version) FROM {table})")
                labels.append(f"{model._meta.label}.version")
    return "SELECT " + ", ".join(parts), labels


def fingerprint():
    """Row counts and summed versions of every model of ours (the trash included): a refused
    request keeps it."""
    sql, labels = _fingerprint_sql()
    with connection.cursor() as cursor:
        cursor.execute(sql)
        return dict(zip(labels, cursor.fetchone(), strict=True))


@pytest.fixture
def fuzz_world(world, offline_source, make_slo, django_user_model, settings):
    settings.CELERY_BROKER_URL = "redis://127.0.0.1:1/0"  # sends go to the outbox, at once
    admin = django_user_model.objects.create_user("ada")
    set_role(admin, "admin")
    world["slo"] = make_slo(offline_source)
    world["source"] = offline_source
    world["admin"] = admin
    return world


SLO_POSTS = {
    "slos:create": lambda w: [],
    "slos:edit": lambda w: [w["slo"].pk],
    "slos:poll": lambda w: [w["slo"].pk],
    "slos:import": lambda w: [],
    "slos:data_source_create": lambda w: [],
    "slos:data_source_edit": lambda w: [w["source"].pk],
    "slos:incident_slos": lambda w: [w["incident"].pk],
    "password_change": lambda w: [],
}
POSTS = {**{name: args for name, (args, _data) in {**MUTATING, **ADMIN_ONLY}.items()},
         **SLO_POSTS}


def field_names(client, url, name):
    names = set({**MUTATING, **ADMIN_ONLY}.get(name, (None, {}))[1])
    page = client.get(url)
    if page.status_code == 200:
        names |= set(FIELD_NAME.findall(page.content.decode())) - SKIP_FIELDS
    return sorted(names) or ["text"]


@pytest.mark.parametrize("name", sorted(POSTS))
def test_fuzzed_posts_never_answer_500(client, fuzz_world, name):
    client.force_login(fuzz_world["admin"])
    url = reverse(name, args=POSTS[name](fuzz_world))
    names = field_names(client, url, name)

    @FUZZ
    @given(data=form(names), htmx=st.booleans())
    def post(data, htmx):
        before = fingerprint()
        headers = {"HX-Request": "true"} if htmx else {}
        response = client.post(url, data, headers=headers)
        record(f"POST {name}", response.status_code)
        assert response.status_code < 500, (url, data)
        if 400 <= response.status_code < 500 and response.status_code != 409:
            assert fingerprint() == before, (url, data, response.status_code)

    post()


def crawl(client, seeds, limit=80):
    seen, queue = [], list(seeds)
    while queue and len(seen) < limit:
        path = urlsplit(queue.pop(0)).path
        if path in seen or path.startswith(("/admin", "/accounts/logout", "/static")):
            continue
        response = client.get(path)
        if response.status_code != 200:
            continue
        seen.append(path)
        if "html" in response.get("Content-Type", ""):
            queue += [href for href in re.findall(r'href="(/[^"#]*)"', response.content.decode())
                      if href not in seen]
    return seen


@pytest.fixture
def crawled(client, fuzz_world):
    client.force_login(fuzz_world["admin"])
    w = fuzz_world
    return crawl(client, ["/", "/incidents/", f"/incidents/{w['incident'].pk}/",
                          f"/incidents/{w['incident'].pk}/postmortem/", "/actions/", "/slos/",
                          f"/slos/{w['slo'].pk}/", f"/meetings/{w['meeting'].pk}/",
                          f"/meetings/{w['meeting'].pk}/changes/"])


def test_the_crawl_reaches_the_main_pages(crawled):
    assert len(crawled) >= 20
    assert {"/", "/incidents/", "/actions/", "/slos/"} <= set(crawled)


def test_fuzzed_query_parameters_never_answer_500(client, crawled):
    @fuzz(scale=max(1, len(crawled) // 4))  # about EXAMPLES x pages / 4 requests
    @given(path=st.sampled_from(crawled),
           query=st.dictionaries(st.sampled_from(QUERY_NAMES), values, max_size=4))
    def get(path, query):
        response = client.get(path, query)
        record(f"GET {path}", response.status_code)
        assert response.status_code < 500, (path, query)

    get()
