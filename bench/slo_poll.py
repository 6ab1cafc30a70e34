"""A poll cycle of many SLOs against a real Prometheus.

Starts Debian's `prometheus` on a free port with a temporary data folder, scraping the demo
workload every second and loading the rules generated for N SLOs (1,000 by default); creates
the SLOs in a throw-away test database; then times full poll cycles (queries and snapshot
writes) through the recorded-series fast path, and a raw-query cycle of a smaller set for
comparison.

    python -m bench [--slos 1000] [--cycles 5] [--raw-slos 50]
"""

import argparse
import json
import shutil
import socket
import statistics
import subprocess
import tempfile
import time
from pathlib import Path

import httpx

GOOD = 'sum(rate(http_requests_total{job="workload",status!~"5.."}[$window]))'
TOTAL = 'sum(rate(http_requests_total{job="workload"}[$window]))'


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def query(url, promql):
    response = httpx.post(f"{url}/api/v1/query", data={"query": promql}, timeout=30)
    return response.json().get("data", {}).get("result", [])


def wait_for(predicate, what, timeout=180):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if predicate():
                return
        except (httpx.HTTPError, ValueError, KeyError, IndexError):
            pass
        time.sleep(0.5)
    raise SystemExit(f"bench: {what} did not happen within {timeout} s")


def create_slos(count, source, service, prefix):
    from slos.models import SLO

    slos = [SLO(service=service, data_source=source, name=f"{prefix} {i:04d}",
                slug=f"{prefix}-{i:04d}", target="99.9", window="28d",
                good_query=GOOD, total_query=TOTAL) for i in range(count)]
    return SLO.objects.bulk_create(slos)


def timed_cycles(slos, cycles):
    from slos import poller

    durations, stats = [], {}
    for _ in range(cycles):
        started = time.perf_counter()
        snapshots = poller.poll(slos, stats=stats)
        durations.append(time.perf_counter() - started)
        assert len(snapshots) == len(slos)
    return durations, dict(stats)


def main(argv):
    parser = argparse.ArgumentParser(prog="python -m bench")
    parser.add_argument("--slos", type=int, default=1000)
    parser.add_argument("--cycles", type=int, default=5)
    parser.add_argument("--raw-slos", type=int, default=50)
    options = parser.parse_args(argv)

    from django.db import connection
    from django.test.utils import setup_test_environment, teardown_test_environment

    from postmortems.models import Service
    from slos import rules
    from slos.models import SLO, DataSource
    from slos.workload import Workload

    binary = shutil.which("prometheus") or "/usr/bin/prometheus"
    setup_test_environment()
    test_db = connection.creation.create_test_db(verbosity=0, autoclobber=True)
    folder = Path(tempfile.mkdtemp(prefix="slo-bench-"))
    workload = Workload(rate=500, error_ratio=0.001)
    process = None
    try:
        workload_port, port = free_port(), free_port()
        workload.start(workload_port)
        url = f"http://127.0.0.1:{port}"
        service = Service.objects.create(name="Bench", slug="bench")
        source = DataSource.objects.create(name="bench", url=url, timeout_seconds=30)
        recorded_slos = create_slos(options.slos, source, service, "rec")
        slos = list(SLO.objects.select_related("service", "data_source")
                    .filter(pk__in=[s.pk for s in recorded_slos]))
        (folder / "rules.yml").write_text(rules.to_yaml(slos))
        (folder / "prometheus.yml").write_text(json.dumps({
            "global": {"scrape_interval": "1s", "evaluation_interval": "5s"},
            "rule_files": [str(folder / "rules.yml")],
            "scrape_configs": [{"job_name": "workload", "static_configs": [
                {"targets": [f"127.0.0.1:{workload_port}"]}]}],
        }))
        process = subprocess.Popen(
            [binary, f"--config.file={folder / 'prometheus.yml'}",
             f"--storage.tsdb.path={folder / 'data'}", f"--web.listen-address=127.0.0.1:{port}",
             "--log.level=error"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        started = time.perf_counter()
        wait_for(lambda: all(
            int(float(query(url, f"count({metric})")[0]["value"][1])) == options.slos
            for metric in rules.RECORDED_METRICS.values()),
            f"recording rules for {options.slos} SLOs")
        print(f"prometheus evaluated the rules of {options.slos} SLOs after "
              f"{time.perf_counter() - started:.1f} s")

        durations, stats = timed_cycles(slos, options.cycles)
        print(f"poll cycle, {options.slos} SLOs via recorded series: "
              f"median {statistics.median(durations):.2f} s, best {min(durations):.2f} s "
              f"over {options.cycles} cycles; {stats['queries']} Prometheus queries a cycle; "
              f"{stats['recorded']} recorded, {stats['raw']} raw")

        raw = create_slos(options.raw_slos, source, service, "raw")
        raw = list(SLO.objects.select_related("service", "data_source")
                   .filter(pk__in=[s.pk for s in raw]))
        durations, stats = timed_cycles(raw, max(1, options.cycles // 2))
        print(f"poll cycle, {options.raw_slos} SLOs via raw queries (no rules): "
              f"median {statistics.median(durations):.2f} s; {stats['queries']} queries")
    finally:
        if process is not None:
            process.terminate()
            process.wait(timeout=30)
        workload.shutdown()
        shutil.rmtree(folder, ignore_errors=True)
        connection.creation.destroy_test_db(test_db, verbosity=0)
        teardown_test_environment()
