"""Finding 9 on the APIs: /api/slos/ and /api/v1/slos/ say an SLO's window kind and its
current calendar period."""

from datetime import UTC, datetime

import pytest
import time_machine

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 11, 30, 12, tzinfo=UTC)


def test_both_apis_say_the_window_kind_and_the_period(editor_client, api, viewer,
                                                      offline_source, make_slo, record_poll):
    slo = make_slo(offline_source, window="monthly")
    rolling = make_slo(offline_source, name="Rolling")
    with time_machine.travel(NOW, tick=False):
        record_poll(slo, error_ratio=0.0005)
        item = editor_client.get(f"/api/slos/{slo.pk}/").json()
        other = editor_client.get(f"/api/slos/{rolling.pk}/").json()
        v1 = api(viewer, scope="read").get(f"/api/v1/slos/{slo.pk}/").json()
    assert item["window"] == "monthly" and item["window_kind"] == "calendar"
    assert item["period"] == {"kind": "monthly", "key": "2026-11", "name": "November 2026",
                              "start": "2026-11-01T00:00:00Z", "end": "2026-12-01T00:00:00Z",
                              "day": 30, "days": 30, "label": "November 2026 (day 30 of 30)"}
    assert other["window_kind"] == "rolling" and other["period"] is None
    assert v1["window"] == "monthly" and v1["window_kind"] == "calendar"
    assert v1["figures"]["window_kind"] == "calendar"
    assert v1["figures"]["period"]["label"] == "November 2026 (day 30 of 30)"
    assert v1["figures"]["period"]["start"] == "2026-11-01T00:00:00Z"
