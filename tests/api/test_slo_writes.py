"""SLO writes over the API, with the form's roles and rules: editors create and change, admins
delete, viewers and read tokens are refused; the model's rules (PromQL with position, [$window],
targets) and the data source's answer refuse bad input with field messages; a stale change gets
409 with both versions; "poll now" is queued, kept in the outbox when the broker is down."""

import pytest

from config.models import OutboxTask
from slos.models import SLO
from tests.factories import WORKLOAD_GOOD as GOOD
from tests.factories import WORKLOAD_TOTAL as TOTAL
from tests.factories import slo_form_data
from tests.slos.conftest import prometheus  # noqa: F401 (the real Prometheus fixture)

pytestmark = pytest.mark.django_db

URL = "/api/v1/slos/"


def body(service, **overrides):
    return {"service": service.slug, "name": "Checkout availability", "target": "99.9",
            "window": "28d", "good_query": GOOD, "total_query": TOTAL, **overrides}


def errors_of(response):
    assert response.status_code == 400, response.content
    data = response.json()
    assert data["code"] == "invalid"
    return data["errors"]


# --- Create ---------------------------------------------------------------------------------

def test_an_editor_creates_an_slo_saved_unchecked_when_prometheus_is_down(
        api, editor, service, offline_source):
    response = api(editor).post(URL, body(service, alert_labels={"team": "payments"}),
                                format="json")

    assert response.status_code == 201, response.content
    data = response.json()
    slo = SLO.objects.get()
    assert data["id"] == slo.pk and data["version"] == 1 and data["service"] == service.slug
    assert data["data_source"] == offline_source.name  # the first one when not given
    assert slo.query_check == SLO.QueryCheck.UNCHECKED
    assert "cannot connect" in data["query_check_message"]
    assert any("were not checked" in note for note in data["notes"])
    assert slo.alert_labels == {"team": "payments"}
    assert slo.history.count() == 1


def test_the_data_source_is_given_by_id_or_by_name(api, editor, service, offline_source,
                                                   make_source, closed_port_url):
    other = make_source(closed_port_url, name="staging")
    by_id = api(editor).post(URL, body(service, data_source=other.pk), format="json")
    by_name = api(editor).post(URL, body(service, name="Latency-free", data_source="staging"),
                               format="json")
    assert by_id.status_code == by_name.status_code == 201
    assert by_id.json()["data_source"] == by_name.json()["data_source"] == "staging"


def test_an_unknown_data_source_is_refused_and_none_is_created(api, admin, service,
                                                               offline_source):
    response = api(admin).post(URL, body(service, data_source="http://10.0.0.1:9090"),
                               format="json")
    assert "No data source" in errors_of(response)["data_source"][0]
    assert not SLO.objects.exists()
    assert offline_source.__class__.objects.count() == 1


def test_an_unknown_service_is_refused(api, editor, service, offline_source):
    response = api(editor).post(URL, {**body(service), "service": "nowhere"}, format="json")
    assert "No service with the slug nowhere" in errors_of(response)["service"][0]


def test_a_promql_syntax_error_names_the_position_and_reason(api, editor, service,
                                                            offline_source):
    response = api(editor).post(URL, body(service, good_query="sum(rate(x[$window])"),
                                format="json")
    (message,) = errors_of(response)["good_query"]
    assert message == "Not valid PromQL at character 4: unclosed left parenthesis."
    assert not SLO.objects.exists()


def test_a_range_without_the_window_placeholder_is_refused(api, editor, service,
                                                          offline_source):
    response = api(editor).post(URL, body(service, total_query="sum(rate(x[5m]))"),
                                format="json")
    assert "[$window]" in errors_of(response)["total_query"][0]


def test_a_literal_window_range_becomes_the_placeholder(api, editor, service, offline_source):
    response = api(editor).post(URL, body(service, good_query=GOOD.replace("$window", "28d"),
                                          total_query=TOTAL.replace("$window", "28d")),
                                format="json")
    assert response.status_code == 201
    assert response.json()["good_query"] == GOOD and SLO.objects.get().total_query == TOTAL


@pytest.mark.parametrize(("target", "message"), [
    ("100", "100% leaves no error budget"), ("0", "above 0%")])
def test_targets_without_a_budget_are_refused(api, editor, service, offline_source, target,
                                              message):
    response = api(editor).post(URL, body(service, target=target), format="json")
    assert message in errors_of(response)["target"][0]


def test_the_calendar_target_rule(api, editor, service, offline_source):
    response = api(editor).post(URL, body(service, window="weekly", target="99.999"),
                                format="json")
    assert "under a minute of errors a week" in errors_of(response)["target"][0]


def test_a_duplicate_name_in_the_service_is_a_400(api, editor, service, offline_source,
                                                 make_slo):
    make_slo(offline_source, name="Checkout availability")
    response = api(editor).post(URL, body(service), format="json")
    assert response.status_code == 400
    assert SLO.objects.count() == 1


@pytest.mark.prometheus
@pytest.mark.xdist_group("prometheus")
def test_prometheus_refusing_the_shape_is_a_field_error(api, editor, service, prometheus,  # noqa: F811
                                                        make_source):
    source = make_source(prometheus.url)
    response = api(editor).post(URL, body(
        service, data_source=source.pk,
        good_query='rate(http_requests_total{job="workload",status!~"5.."}[$window])',
        total_query='rate(http_requests_total{job="workload"}[$window])'), format="json")
    (message,) = errors_of(response)["total_query"]
    assert message.startswith("Prometheus refused it: total events: the all events query "
                              "returns 2 series where one is expected")
    assert not SLO.objects.exists()


@pytest.mark.prometheus
@pytest.mark.xdist_group("prometheus")
def test_prometheus_accepting_both_marks_the_slo_checked(api, editor, service, prometheus,  # noqa: F811
                                                         make_source):
    source = make_source(prometheus.url)
    response = api(editor).post(URL, body(service, data_source=source.name), format="json")
    assert response.status_code == 201, response.content
    assert response.json()["query_check"] == "ok"


# --- Roles ----------------------------------------------------------------------------------

def test_a_viewer_and_a_read_token_cannot_create(api, viewer, editor, service, offline_source):
    assert api(viewer).post(URL, body(service), format="json").status_code == 403
    assert api(editor, scope="read").post(URL, body(service), format="json").status_code == 403
    assert api().post(URL, body(service), format="json").status_code == 401
    assert not SLO.objects.exists()


def test_a_viewer_cannot_change_an_editor_can(api, viewer, editor, offline_source, make_slo):
    slo = make_slo(offline_source)
    url = f"{URL}{slo.pk}/"
    assert api(viewer).patch(url, {"target": "99", "version": 1}, format="json").status_code \
        == 403
    response = api(editor).patch(url, {"target": "99", "version": 1}, format="json")
    assert response.status_code == 200, response.content
    assert response.json()["target"] == "99.0000" and response.json()["version"] == 2
    slo.refresh_from_db()
    assert slo.version == 2 and slo.history.first().history_change_reason == "changed by API"


def test_only_an_admin_deletes(api, editor, admin, offline_source, make_slo):
    slo = make_slo(offline_source)
    url = f"{URL}{slo.pk}/"
    assert api(editor).delete(url).status_code == 403
    assert api(admin).delete(url).status_code == 204
    assert not SLO.objects.exists()


def test_a_change_must_name_its_version_and_may_not_break_a_rule(api, editor, offline_source,
                                                                 make_slo):
    slo = make_slo(offline_source)
    url = f"{URL}{slo.pk}/"
    assert "version" in errors_of(api(editor).patch(url, {"target": "99"}, format="json"))
    response = api(editor).patch(url, {"window": "monthly", "target": "99.9999",
                                       "version": 1}, format="json")
    assert "under a minute" in errors_of(response)["target"][0]
    slo.refresh_from_db()
    assert slo.window == "28d" and slo.version == 1


def test_a_put_replaces_the_slo(api, editor, service, offline_source, make_slo):
    slo = make_slo(offline_source, name="Checkout availability")
    response = api(editor).put(f"{URL}{slo.pk}/", body(service, target="99.5",
                                                       description="Put by CI", version=1),
                               format="json")
    assert response.status_code == 200, response.content
    slo.refresh_from_db()
    assert str(slo.target) == "99.5000" and slo.description == "Put by CI"


# --- The version rule -----------------------------------------------------------------------

def test_a_stale_change_of_the_same_field_gets_409_with_both_versions(api, editor, admin,
                                                                      offline_source, make_slo):
    slo = make_slo(offline_source)
    url = f"{URL}{slo.pk}/"
    assert api(admin).patch(url, {"target": "99.5", "version": 1},
                            format="json").status_code == 200
    response = api(editor).patch(url, {"target": "99", "version": 1}, format="json")
    assert response.status_code == 409
    data = response.json()
    assert data["code"] == "conflict" and data["fields"] == ["target"]
    assert data["base_version"] == 1 and data["current_version"] == 2
    assert data["current"]["target"] == "99.5000" and data["yours"]["target"] == "99.0000"
    slo.refresh_from_db()
    assert str(slo.target) == "99.5000"


def test_a_stale_change_of_other_fields_is_merged(api, editor, admin, offline_source,
                                                  make_slo):
    slo = make_slo(offline_source)
    url = f"{URL}{slo.pk}/"
    assert api(admin).patch(url, {"target": "99.5", "version": 1},
                            format="json").status_code == 200
    response = api(editor).patch(url, {"description": "Owned by payments", "version": 1},
                                 format="json")
    assert response.status_code == 200
    assert response.json()["target"] == "99.5000" and response.json()["version"] == 3


def test_a_form_save_makes_an_api_change_stale(api, editor, editor_client, offline_source,
                                               make_slo):
    slo = make_slo(offline_source)
    posted = editor_client.post(f"/slos/{slo.pk}/edit/", slo_form_data(
        slo.service, offline_source, name=slo.name, target="99.5", version=1))
    assert posted.status_code == 302
    response = api(editor).patch(f"{URL}{slo.pk}/", {"target": "99", "version": 1},
                                 format="json")
    assert response.status_code == 409


def test_a_stale_delete_gets_409(api, admin, offline_source, make_slo):
    slo = make_slo(offline_source)
    url = f"{URL}{slo.pk}/"
    assert api(admin).patch(url, {"target": "99.5", "version": 1},
                            format="json").status_code == 200
    assert api(admin).delete(f"{url}?version=1").status_code == 409
    assert api(admin).delete(f"{url}?version=2").status_code == 204


# --- Poll now -------------------------------------------------------------------------------

def test_poll_now_is_queued_for_an_editor(api, editor, viewer, offline_source, make_slo):
    slo = make_slo(offline_source)
    url = f"{URL}{slo.pk}/poll/"
    assert api(viewer).post(url).status_code == 403
    response = api(editor).post(url)
    assert response.status_code == 202 and response.json()["queued"] is True
    assert not OutboxTask.objects.exists()
    assert api(editor).post(f"{URL}999999/poll/").status_code == 404


def test_poll_now_goes_to_the_outbox_when_the_broker_is_down(api, editor, offline_source,
                                                             make_slo, settings,
                                                             closed_port_url):
    slo = make_slo(offline_source)
    settings.CELERY_BROKER_URL = closed_port_url.replace("http", "redis")
    response = api(editor).post(f"{URL}{slo.pk}/poll/")
    assert response.status_code == 202
    assert response.json() == {"queued": False,
                               "detail": "Queued work could not be sent; it will be retried."}
    (task,) = OutboxTask.objects.all()
    assert task.task == "slos.poll_one" and task.args == [slo.pk]
