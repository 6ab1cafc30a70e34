"""`make run` uses SQLite: the SLO pages and the API answer there too, the chart's hourly points
(read as seconds since the epoch, HourStart) and the lists' rows (read as values) included."""

from tests.slos.test_burn_down_points import TIMES, expected

VISIT = """
import datetime
from django.contrib.auth import get_user_model
from django.test import Client
from postmortems.models import Service
from slos.models import SLO, DataSource, Snapshot
times = [%s]
source = DataSource.objects.create(name="p", url="http://127.0.0.1:9")
service = Service.objects.create(name="Checkout", slug="checkout")
slo = SLO.objects.create(service=service, data_source=source, name="Availability",
    slug="checkout-availability", target="99.9", window="28d", good_query="a[$window]",
    total_query="b[$window]")
for i, at in enumerate(times):
    Snapshot.objects.create(slo=slo, taken_at=at, status="ok", sli=1, budget_remaining=i / 8,
                            error_ratios={"1h": 0.0002})
failed = SLO.objects.create(service=service, data_source=source, name="Latency",
    slug="checkout-latency", target="99", window="monthly", good_query="a[$window]",
    total_query="b[$window]")
SLO.objects.filter(pk=slo.pk).update(latest_snapshot=Snapshot.objects.latest("taken_at"))
SLO.objects.filter(pk=failed.pk).update(latest_snapshot=Snapshot.objects.create(
    slo=failed, taken_at=times[-1], status="error", fault="refused", error="cannot connect"))
print("points", slo.snapshots.within(times[0]).burn_down_points())
client = Client()
client.force_login(get_user_model().objects.create_user("demo"))
for url in ["/slos/", f"/slos/{slo.pk}/", f"/slos/{failed.pk}/", "/api/slos/",
            f"/api/slos/{slo.pk}/"]:
    print(url, client.get(url, HTTP_HOST="127.0.0.1").status_code)
rows = client.get("/api/slos/", HTTP_HOST="127.0.0.1").json()["slos"]
print("api", [(row["name"], row["status"], row["error_ratios"]) for row in rows])
"""


def test_the_slo_pages_answer_on_sqlite(sqlite_manage):
    sqlite_manage("migrate", "--noinput")
    out = sqlite_manage("shell", "--no-imports", "-c",
                        VISIT % ", ".join(repr(at) for at in TIMES))
    statuses = [line for line in out.splitlines() if line.startswith("/")]
    assert len(statuses) == 5 and all(line.endswith(" 200") for line in statuses), out
    assert f"points {expected([(at, i / 8) for i, at in enumerate(TIMES)])!r}" in out, out
    assert "api [('Availability', 'ok', {'1h': 0.0002}), ('Latency', 'error', {})]" in out, out
