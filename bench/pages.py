"""Page latency at scale: the site served by gunicorn (2 workers) over a realistic database,
driven by a separate httpx process, at two data sizes.

For each size it builds or reuses a database (bench.dataset: 10,000 and 1,000 incidents, 1,000
SLOs), starts gunicorn with the production configuration (deploy/gunicorn.conf.py when present),
logs in, and requests each page up to --count times (at most --seconds per page, each request at
most --timeout). It prints p50/p95 per page, the ratio of each p95 to the floor (a bare
logged-in page measured in the same run), the ratio 10k ÷ 1k, page weights (as sent, i.e. after
compression, and decoded), worker peak memory and the machine's load average. The figures go to
bench/results/pages-<UTC time>.json.

    python -m bench.pages [--sizes 10000,1000] [--count 100] [--seconds 40] [--timeout 60]
"""

import argparse
import json
import os
import signal
import socket
import statistics
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

from bench import dataset

FLOOR = "floor (data sources)"
RESULTS = Path(__file__).resolve().parent / "results"


def pages(client_ids):
    """(label, path) in the order they are measured; ids come from the database."""
    latest, slo = client_ids["latest_incident"], client_ids["slo"]
    return [
        (FLOOR, "/slos/data-sources/"),
        ("dashboard (home)", "/"),
        ("incident list", "/incidents/"),
        ("incident page", f"/incidents/{latest}/"),
        ("postmortem editor (100 entries)", f"/incidents/{latest}/postmortem/"),
        ("action tracker", "/actions/"),
        ("action tracker, orphaned", "/actions/?orphaned=on"),
        ("action tracker, overdue", "/actions/?overdue=on"),
        ("tracker CSV", "/actions/export.csv"),
        ("SLO dashboard", "/slos/"),
        ("SLO panel", f"/slos/{slo}/"),
        ("/api/slos/", "/api/slos/"),
    ]


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def percentile(values, fraction):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


def fetch(client, path):
    """(status, bytes sent, bytes decoded, whether it reconnected) of one GET. A kept-alive
    connection the server closed meanwhile (a worker recycled after its max_requests) is
    retried once on a new connection, as browsers do; the request's time counts both."""
    import httpx

    for attempt in (0, 1):
        try:
            with client.stream("GET", path) as response:
                body = b"".join(response.iter_bytes())
                return response.status_code, response.num_bytes_downloaded, len(body), attempt
        except (httpx.ReadError, httpx.RemoteProtocolError):
            if attempt:
                raise


def drive(url, count, seconds, timeout, ids):
    """The load process: log in, then time every page. Runs in its own process."""
    import httpx

    results = {}
    with httpx.Client(base_url=url, timeout=timeout, follow_redirects=False,
                      headers={"Accept-Encoding": "gzip"}) as client:
        client.get("/accounts/login/")
        response = client.post("/accounts/login/", data={
            "username": dataset.BENCH_USER, "password": dataset.BENCH_PASSWORD,
            "csrfmiddlewaretoken": client.cookies.get("csrftoken", "")},
            headers={"Referer": f"{url}/accounts/login/"})
        if response.status_code != 302:
            raise SystemExit(f"bench: login failed ({response.status_code})")
        for label, path in [*pages(ids), (FLOOR + " again", pages(ids)[0][1])]:
            timings, statuses, sent, decoded, reconnects = [], [], 0, 0, 0
            started = time.monotonic()
            while len(timings) < count and time.monotonic() - started < seconds:
                began = time.perf_counter()
                try:
                    status, sent, decoded, again = fetch(client, path)
                    statuses.append(status)
                    reconnects += again
                except httpx.HTTPError as error:
                    statuses.append(type(error).__name__)
                    timings.append(time.perf_counter() - began)
                    break
                timings.append(time.perf_counter() - began)
            results[label] = {
                "path": path, "requests": len(timings), "statuses": sorted(set(map(str, statuses))),
                "reconnects": reconnects,
                "p50_ms": round(1000 * statistics.median(timings), 1),
                "p95_ms": round(1000 * percentile(timings, 0.95), 1),
                "bytes_sent": sent, "bytes_decoded": decoded,
            }
    return results


def worker_peak_memory_kb(master_pid):
    """Peak resident memory (VmHWM) of each gunicorn worker, in kB."""
    peaks = []
    for child in Path("/proc").glob("[0-9]*"):
        try:
            status = (child / "status").read_text()
        except OSError:
            continue
        fields = dict(line.split(":", 1) for line in status.splitlines() if ":" in line)
        if fields.get("PPid", "").strip() == str(master_pid) and "VmHWM" in fields:
            peaks.append(int(fields["VmHWM"].split()[0]))
    return peaks


def snapshot_storage(name):
    """The snapshot table's size on disk (pg_total_relation_size: rows, indexes, TOAST)."""
    import psycopg

    with psycopg.connect(dataset.database_url(name)) as conn:
        size, rows, slos = conn.execute(
            "SELECT pg_total_relation_size('slos_snapshot'), (SELECT count(*) FROM slos_snapshot),"
            " (SELECT count(*) FROM slos_slo)").fetchone()
    return {"bytes": size, "rows": rows, "slos": slos,
            "rows_per_slo": round(rows / slos) if slos else 0}


def lookup_ids(name):
    import psycopg

    with psycopg.connect(dataset.database_url(name)) as conn:
        latest = conn.execute("SELECT max(id) FROM postmortems_incident").fetchone()[0]
        slo = conn.execute("SELECT min(id) FROM slos_slo").fetchone()[0]
    return {"latest_incident": latest, "slo": slo}


def measure(name, incidents, slos, options):
    dataset.build(name, incidents, slos)
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    env = dataset.bench_env(name, DEBUG="0", ALLOWED_HOSTS="127.0.0.1,localhost",
                            SECURE_COOKIES="0")  # plain HTTP on the loopback
    config = Path("deploy/gunicorn.conf.py")
    command = [sys.executable, "-m", "gunicorn", "config.wsgi", "--bind", f"127.0.0.1:{port}",
               "--workers", "2"]
    if config.exists():
        command[3:3] = ["--config", str(config)]
    server = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL,
                              stderr=subprocess.DEVNULL, start_new_session=True)
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                time.sleep(0.3)
        ids = lookup_ids(name)
        load_before = os.getloadavg()
        driver = subprocess.run(
            [sys.executable, "-m", "bench.pages", "--drive", url, "--ids", json.dumps(ids),
             "--count", str(options.count), "--seconds", str(options.seconds),
             "--timeout", str(options.timeout)],
            env=env, stdout=subprocess.PIPE, text=True, check=True)
        results = json.loads(driver.stdout)
        return {"database": name, "incidents": incidents, "slos": slos,
                "snapshot_storage": snapshot_storage(name),
                "load_average": [round(x, 2) for x in load_before],
                "load_average_after": [round(x, 2) for x in os.getloadavg()],
                "worker_peak_rss_kb": worker_peak_memory_kb(server.pid), "pages": results}
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)


def floor_p95(run):
    return max(run["pages"][FLOOR]["p95_ms"], run["pages"][FLOOR + " again"]["p95_ms"])


def table(runs):
    """The Markdown table the README shows."""
    big, small = runs[0], runs[-1]
    lines = [f"| page | p50 / p95 at {big['incidents']:,} (ms) | x floor p95 | "
             f"{big['incidents'] // 1000}k ÷ {small['incidents'] // 1000}k p95 | "
             f"sent / decoded (KB) |", "|---|---|---|---|---|"]
    for label, figures in big["pages"].items():
        if label.endswith(" again"):
            continue
        other = small["pages"].get(label, {})
        ratio = (f"{figures['p95_ms'] / other['p95_ms']:.1f}" if other.get("p95_ms") else "-")
        failed = [s for s in figures["statuses"] if s not in ("200",)]
        note = f" ({', '.join(failed)})" if failed else ""
        lines.append(
            f"| {label} | {figures['p50_ms']:.0f} / {figures['p95_ms']:.0f}{note} | "
            f"{figures['p95_ms'] / floor_p95(big):.1f} | {ratio} | "
            f"{figures['bytes_sent'] / 1000:.0f} / {figures['bytes_decoded'] / 1000:.0f} |")
    loads = ", ".join(f"{run['incidents']:,}: {run['load_average'][0]:.1f}" for run in runs)
    lines.append("")
    lines.append(f"Floor p95: {floor_p95(big):.0f} ms at {big['incidents']:,}, "
                 f"{floor_p95(small):.0f} ms at {small['incidents']:,}. Load average (1 min) "
                 f"when each size started: {loads} ({os.cpu_count()} CPUs). Worker peak RSS: "
                 f"{max(big['worker_peak_rss_kb'] or [0]) / 1024:.0f} MB.")
    storage = big.get("snapshot_storage")
    if storage:
        lines.append(f"Snapshots of {storage['slos']:,} SLOs (28-day windows, retention tiers): "
                     f"{storage['rows']:,} rows ({storage['rows_per_slo']:,} per SLO), "
                     f"{storage['bytes'] / 1e9:.2f} GB (pg_total_relation_size).")
    return "\n".join(lines)


def main(argv):
    parser = argparse.ArgumentParser(prog="python -m bench.pages")
    parser.add_argument("--sizes", default="10000,1000")
    parser.add_argument("--slos", type=int, default=1000)
    parser.add_argument("--count", type=int, default=100)
    parser.add_argument("--seconds", type=float, default=40)
    parser.add_argument("--timeout", type=float, default=60)
    parser.add_argument("--label", default="", help="e.g. before / after, kept in the JSON")
    parser.add_argument("--database-prefix", help="bench databases' names (BENCH_DATABASE_PREFIX)")
    parser.add_argument("--drive", help=argparse.SUPPRESS)
    parser.add_argument("--ids", help=argparse.SUPPRESS)
    options = parser.parse_args(argv)
    if options.drive:
        print(json.dumps(drive(options.drive, options.count, options.seconds, options.timeout,
                               json.loads(options.ids))))
        return
    if options.database_prefix:
        os.environ["BENCH_DATABASE_PREFIX"] = options.database_prefix
    sizes = [int(size) for size in options.sizes.split(",")]
    runs = [measure(dataset.default_name(size), size, options.slos, options) for size in sizes]
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    RESULTS.mkdir(exist_ok=True)
    path = RESULTS / f"pages-{stamp}.json"
    output = {"label": options.label, "taken_at": stamp, "cpus": os.cpu_count(), "runs": runs,
              "table": table(runs)}
    path.write_text(json.dumps(output, indent=1))
    print(output["table"])
    print(f"bench: results in {path.relative_to(RESULTS.parent.parent)}")


if __name__ == "__main__":
    main(sys.argv[1:])
