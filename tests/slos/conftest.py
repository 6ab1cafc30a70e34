"""SLO fixtures: a real Prometheus on a free port with a backfilled 28-day history, scraping
the demo workload every second, and a tiny fake Prometheus for the faults a real one cannot be
made to produce (tests/slos/servers.py, tests/slos/history.py). The SLO data fixtures
(service, make_source, make_slo, record_poll…) are in the root conftest."""

import json
import os
import subprocess
import threading
import time
from pathlib import Path

import pytest

from slos.workload import Workload
from tests.slos.history import HISTORY_STEP, History
from tests.slos.servers import (
    WORKLOAD_ERROR_RATIO,
    FakePrometheus,
    PrometheusServer,
    free_port,
    prometheus_binary,
    promtool_binary,
    wait_until_scraped,
)

# A failed poll is retried after 1 s in the tests' Celery worker (it reads the environment).
os.environ.setdefault("SLO_RETRY_BACKOFF", "1")


@pytest.fixture(scope="session")
def prometheus(tmp_path_factory):
    """A real prometheus on a free port: 29 days of backfilled history, the demo workload at
    a known 2% error ratio and an idle workload (no traffic), scraped every second."""
    binary, promtool = prometheus_binary(), promtool_binary()
    for tool in (binary, promtool):
        if not Path(tool).exists():
            pytest.fail(f"{tool} is missing: install Debian's prometheus package "
                        "(make services does)")
    folder = tmp_path_factory.mktemp("prometheus")
    data = folder / "data"
    end = (time.time() // HISTORY_STEP) * HISTORY_STEP - HISTORY_STEP + 0.5
    history = History.build(end)
    (folder / "history.om").write_text(history.openmetrics())
    subprocess.run([promtool, "tsdb", "create-blocks-from", "openmetrics",
                    "--max-block-duration=24h", str(folder / "history.om"), str(data)],
                   check=True, capture_output=True, timeout=300)

    workload = Workload(rate=400, error_ratio=WORKLOAD_ERROR_RATIO, latency=0.08,
                        slow_ratio=0.01, slow_latency=1.0)
    idle = Workload(rate=0)
    workload_port, idle_port, port = free_port(), free_port(), free_port()
    workload.start(workload_port)
    idle.start(idle_port)
    rules_file = folder / "rules.yml"
    rules_file.write_text("groups: []\n")
    (folder / "prometheus.yml").write_text(json.dumps({
        "global": {"scrape_interval": "1s", "evaluation_interval": "1s"},
        "rule_files": [str(rules_file)],
        "scrape_configs": [
            {"job_name": "workload",
             "static_configs": [{"targets": [f"127.0.0.1:{workload_port}"]}]},
            {"job_name": "idle", "static_configs": [{"targets": [f"127.0.0.1:{idle_port}"]}]},
        ],
    }))
    log = open(folder / "prometheus.log", "w")  # noqa: SIM115
    process = subprocess.Popen(
        [binary, f"--config.file={folder / 'prometheus.yml'}", f"--storage.tsdb.path={data}",
         f"--web.listen-address=127.0.0.1:{port}", "--storage.tsdb.retention.time=60d",
         "--web.enable-lifecycle", "--log.level=warn"],
        stdout=log, stderr=subprocess.STDOUT,
    )
    server = PrometheusServer(f"http://127.0.0.1:{port}", rules_file, process, history,
                              workload, idle)
    try:
        wait_until_scraped(server, process, folder / "prometheus.log")
        yield server
    finally:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
        log.close()
        workload.shutdown()
        idle.shutdown()


@pytest.fixture(scope="session")
def fake_prometheus():
    server = FakePrometheus()
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()

