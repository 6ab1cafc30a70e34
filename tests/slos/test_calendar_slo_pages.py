"""Finding 9 on the form: a monthly or weekly SLO is chosen on the form, with a target its
period can hold (the APIs: tests/api/test_calendar_slos.py)."""

import pytest

from slos.models import SLO
from tests.factories import slo_form_data as form_data

pytestmark = pytest.mark.django_db

def test_the_form_offers_calendar_windows(editor_client, offline_source):
    page = editor_client.get("/slos/new/").content.decode()
    assert '<option value="monthly">Calendar month (UTC)</option>' in page
    assert '<option value="weekly">Calendar week (ISO, from Monday 00:00 UTC)</option>' in page


def test_a_monthly_slo_is_saved_from_the_form(editor_client, service, offline_source):
    response = editor_client.post("/slos/new/", form_data(service, offline_source,
                                                         window="monthly"), follow=True)
    slo = SLO.objects.get()
    assert slo.window == "monthly" and slo.is_calendar
    assert slo.burn_factors() == {"fast_burn": 14.4, "slow_burn": 6.0, "fast_ticket": 3.0,
                                  "ticket": 1.0}
    assert "over a calendar month" in response.content.decode()


@pytest.mark.parametrize("window, target, message", [
    ("monthly", "99.999", "A 99.999% target leaves under a minute of errors a month"),
    ("weekly", "99.995", "A 99.995% target leaves under a minute of errors a week"),
])
def test_a_target_the_period_cannot_hold_is_refused(editor_client, service, offline_source,
                                                    window, target, message):
    response = editor_client.post("/slos/new/", form_data(service, offline_source,
                                                         window=window, target=target))
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not SLO.objects.exists()


def test_a_weekly_slo_at_four_nines_is_fine(editor_client, service, offline_source):
    editor_client.post("/slos/new/", form_data(service, offline_source, window="weekly",
                                               target="99.99"))
    assert SLO.objects.get().window == "weekly"


def test_a_literal_range_is_not_a_calendar_window(editor_client, service, offline_source):
    response = editor_client.post("/slos/new/", form_data(
        service, offline_source, window="monthly",
        good_query='sum(rate(http_requests_total{status!~"5.."}[30d]))',
        total_query="sum(rate(http_requests_total[30d]))"))
    assert "Write the range as [$window]: a calendar SLO reads it over the period so far" \
        in response.content.decode()
    assert not SLO.objects.exists()
