"""A poll cycle of many SLOs against a real Prometheus.

Starts Debian's `prometheus` on a free port with a temporary data folder, scraping the demo
workload every second and loading the rules generated for N SLOs (1,000 by default); creates
the SLOs in a throw-away database of its own (`<BENCH_DATABASE_PREFIX>_poll`, never a test
database's name); then times full poll cycles (queries and snapshot
writes) through the recorded-series fast path, and a raw-query cycle of a smaller set for
comparison: serial (one query in flight) and with the configured concurrency, through a small
local proxy that delays every Prometheus answer by --latency ms (a remote Prometheus). It also
times the generation of the rules file, and prints the machine's load average beside the
figures (bench/results/poll-<UTC time>.json keeps them).

    python -m bench [--slos 1000] [--cycles 5] [--raw-slos 50] [--latency 50]
"""

import argparse
import json
import multiprocessing
import os
import shutil
import socket
import statistics
import subprocess
import tempfile
import time
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
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


class DelayingProxy(ThreadingHTTPServer):
    """Forwards each request to Prometheus after ``latency`` seconds, through one shared
    HTTP client. Runs in its own process (start_proxy): in the poller's process its work
    would compete for the poller's interpreter lock and be counted as the poll's."""

    daemon_threads = True

    def __init__(self, upstream, latency):
        self.upstream, self.latency = upstream, latency
        self.http = httpx.Client(timeout=30, limits=httpx.Limits(max_connections=64))
        super().__init__(("127.0.0.1", 0), _ProxyHandler)


class _ProxyHandler(BaseHTTPRequestHandler):
    def _forward(self):
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        time.sleep(self.server.latency)
        answer = self.server.http.request(
            self.command, self.server.upstream + self.path, content=body,
            headers={"Content-Type": self.headers.get(
                "Content-Type", "application/x-www-form-urlencoded")})
        self.send_response(answer.status_code)
        self.send_header("Content-Type", answer.headers.get("Content-Type", "application/json"))
        self.send_header("Content-Length", str(len(answer.content)))
        self.end_headers()
        self.wfile.write(answer.content)

    do_GET = do_POST = _forward

    def log_message(self, *args):
        pass


def _serve_proxy(upstream, latency, ports):
    proxy = DelayingProxy(upstream, latency)
    ports.put(proxy.server_address[1])
    proxy.serve_forever()


def start_proxy(upstream, latency):
    """(process, url) of a DelayingProxy in a process of its own."""
    ports = multiprocessing.get_context("spawn").Queue()
    process = multiprocessing.get_context("spawn").Process(
        target=_serve_proxy, args=(upstream, latency, ports), daemon=True)
    process.start()
    return process, f"http://127.0.0.1:{ports.get(timeout=60)}"


def timed_cycles(slos, cycles, max_workers=None):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from slos import poller

    durations, stats = [], {}
    for _ in range(cycles):
        started = time.perf_counter()
        with CaptureQueriesContext(connection) as queries:
            snapshots = poller.poll(slos, stats=stats, max_workers=max_workers)
        durations.append(time.perf_counter() - started)
        stats["database_queries"] = len(queries)
        assert len(snapshots) == len(slos)
    return durations, dict(stats)


def main(argv):
    parser = argparse.ArgumentParser(prog="python -m bench")
    parser.add_argument("--slos", type=int, default=1000)
    parser.add_argument("--cycles", type=int, default=5)
    parser.add_argument("--raw-slos", type=int, default=50)
    parser.add_argument("--latency", type=float, default=50, help="ms added per query")
    parser.add_argument("--profile", type=int, default=0, metavar="LINES",
                        help="profile one recorded cycle first (pyinstrument), print LINES")
    options = parser.parse_args(argv)

    from django.db import connection
    from django.test.utils import setup_test_environment, teardown_test_environment

    from postmortems.models import Service
    from slos import rules
    from slos.models import SLO, DataSource
    from slos.workload import Workload

    binary = shutil.which("prometheus") or "/usr/bin/prometheus"
    from bench import dataset

    # Its own throw-away database (<prefix>_poll), never a test database's name: pytest's
    # test_<name> may be in use beside it.
    connection.settings_dict["TEST"]["NAME"] = f"{dataset.prefix()}_poll"
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
        results = {"slos": options.slos, "load_average": list(os.getloadavg())}
        started, cpu = time.perf_counter(), time.process_time()
        text = rules.to_yaml(slos)
        results["rules_seconds"] = time.perf_counter() - started
        results["rules_cpu_seconds"] = time.process_time() - cpu
        print(f"rules for {options.slos} SLOs generated in {results['rules_seconds']:.2f} s "
              f"({results['rules_cpu_seconds']:.2f} s of CPU; {len(text) / 1e6:.1f} MB)")
        (folder / "rules.yml").write_text(text)
        (folder / "prometheus.yml").write_text(json.dumps({
            "global": {"scrape_interval": "1s", "evaluation_interval": "15s"},
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

        if options.profile:  # one more cycle, first, under pyinstrument
            from django.db import reset_queries
            from pyinstrument import Profiler

            connection.force_debug_cursor = True
            reset_queries()
            with Profiler(interval=0.001) as profiler:
                timed_cycles(slos, 1)
            print(f"profiled cycle: {len(connection.queries)} database queries")
            connection.force_debug_cursor = False
            print("\n".join(profiler.output_text(unicode=False, color=False)
                            .splitlines()[:options.profile]))
        durations, stats = timed_cycles(slos, options.cycles)
        print(f"poll cycle, {options.slos} SLOs via recorded series: "
              f"median {statistics.median(durations):.2f} s, best {min(durations):.2f} s "
              f"over {options.cycles} cycles; {stats['queries']} Prometheus and "
              f"{stats['database_queries']} database queries a cycle; "
              f"{stats['recorded']} recorded, {stats['raw']} raw")

        results["recorded_poll_seconds"] = statistics.median(durations)
        results["recorded_poll_database_queries"] = stats["database_queries"]

        proxy, proxy_url = start_proxy(url, options.latency / 1000)
        remote = DataSource.objects.create(name="bench-remote", url=proxy_url,
                                           timeout_seconds=30)
        raw = create_slos(options.raw_slos, remote, service, "raw")
        raw = list(SLO.objects.select_related("service", "data_source")
                   .filter(pk__in=[s.pk for s in raw]))
        cycles = max(1, options.cycles // 2)
        serial, _ = timed_cycles(raw, cycles, max_workers=1)
        concurrent, stats = timed_cycles(raw, cycles)
        proxy.terminate()
        proxy.join(timeout=10)
        results.update(raw_slos=options.raw_slos, latency_ms=options.latency,
                       raw_serial_seconds=statistics.median(serial),
                       raw_concurrent_seconds=statistics.median(concurrent))
        speedup = results["raw_serial_seconds"] / results["raw_concurrent_seconds"]
        print(f"poll cycle, {options.raw_slos} SLOs via raw queries (no rules), Prometheus "
              f"{options.latency:.0f} ms away: serial {results['raw_serial_seconds']:.2f} s, "
              f"concurrent {results['raw_concurrent_seconds']:.2f} s ({speedup:.1f}x); "
              f"{stats['queries']} queries")
        load = os.getloadavg()
        print(f"load average {load[0]:.1f} {load[1]:.1f} {load[2]:.1f} ({os.cpu_count()} CPUs)")
        stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
        target = Path(__file__).resolve().parent / "results" / f"poll-{stamp}.json"
        target.parent.mkdir(exist_ok=True)
        target.write_text(json.dumps(results, indent=1))
    finally:
        if process is not None:
            process.terminate()
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:  # busy evaluating rules: do not leave it running
                process.kill()
                process.wait()
        workload.shutdown()
        shutil.rmtree(folder, ignore_errors=True)
        connection.creation.destroy_test_db(test_db, verbosity=0)
        teardown_test_environment()
