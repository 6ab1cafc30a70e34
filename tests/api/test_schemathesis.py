"""Property-based run of every operation of the OpenAPI schema (schemathesis): generated
requests, valid and not, as an admin with a write token, against the real stack (WSGI app,
PostgreSQL). No answer may be a 5xx, and every answer must match the schema: its documented
status codes, content type and body. Bounded: MAX_EXAMPLES per operation, no deadline.

The figures of the last run (requests per status code) are written to
test-artifacts/schemathesis.json."""

import json
import os
from collections import Counter
from pathlib import Path

import pytest
import schemathesis
from django.core.wsgi import get_wsgi_application
from drf_spectacular.generators import SchemaGenerator
from drf_spectacular.renderers import OpenApiJsonRenderer
from hypothesis import HealthCheck, settings
from schemathesis import DataGenerationMethod
from schemathesis.checks import (
    content_type_conformance,
    not_a_server_error,
    response_schema_conformance,
    status_code_conformance,
)

from accounts.models import ApiToken
from postmortems.models import Meeting

MAX_EXAMPLES = int(os.environ.get("SCHEMATHESIS_MAX_EXAMPLES", "8"))
FIGURES = Path(__file__).resolve().parents[2] / "test-artifacts" / "schemathesis.json"
STATUSES = Counter()


@pytest.fixture(scope="module")
def openapi():
    schema = SchemaGenerator().get_schema(request=None, public=True)
    return schemathesis.from_dict(json.loads(OpenApiJsonRenderer().render(schema)),
                                  data_generation_methods=DataGenerationMethod.all())


schema = schemathesis.from_pytest_fixture("openapi")

# Path ids point at real objects (random ids would only ever meet 404).
RESOURCE_OF_PATH = {
    "incidents": "incident", "postmortems": "postmortem", "timeline-entries": "entry",
    "whys": "why", "factors": "factor", "action-items": "item", "meetings": "meeting",
    "slos": "slo", "services": "service",
}


@pytest.fixture
def world(make, admin_user, make_slo, offline_source, record_poll):
    incident = make.incident(owner=admin_user, services=[make.service("Checkout")])
    postmortem = make.postmortem(incident)
    slo = make_slo(offline_source)
    record_poll(slo, error_ratio=0.0005)
    return {
        "incident": incident.pk, "postmortem": postmortem.pk,
        "entry": make.timeline_entry(postmortem).pk, "why": make.why(postmortem).pk,
        "factor": postmortem.factors.create(text="No canary").pk,
        "item": make.action_item(incident).pk,
        "meeting": Meeting.start(postmortem, admin_user).pk, "slo": slo.pk,
        "service": "checkout",
    }


@pytest.mark.schemathesis
@pytest.mark.django_db(transaction=True)
@schema.parametrize(method=os.environ.get("SCHEMATHESIS_METHOD"),  # narrow a debugging run
                    endpoint=os.environ.get("SCHEMATHESIS_ENDPOINT"))
@settings(max_examples=MAX_EXAMPLES, deadline=None, derandomize=True, database=None,
          suppress_health_check=list(HealthCheck))
def test_no_server_error_and_no_answer_outside_the_schema(case, world, admin_user, settings):
    settings.ALLOWED_HOSTS = ["*"]
    resource = case.path.split("/")[3]
    for name in ("id", "slug"):
        if case.path_parameters and name in case.path_parameters:
            case.path_parameters[name] = world[RESOURCE_OF_PATH[resource]]
    _, key = ApiToken.issue(admin_user, "schemathesis", "write")
    response = case.call_wsgi(app=get_wsgi_application(),
                              headers={"Authorization": f"Bearer {key}"})
    STATUSES[f"{case.method} {response.status_code}"] += 1
    _save_figures()
    case.validate_response(response, checks=(
        not_a_server_error, status_code_conformance, content_type_conformance,
        response_schema_conformance))


def _save_figures():
    FIGURES.parent.mkdir(exist_ok=True)
    by_status = Counter()
    for key, count in STATUSES.items():
        by_status[key.split()[1]] += count
    FIGURES.write_text(json.dumps({
        "requests": sum(STATUSES.values()), "by_status": dict(sorted(by_status.items())),
        "by_method_and_status": dict(sorted(STATUSES.items())),
        "max_examples_per_operation": MAX_EXAMPLES}, indent=2))
