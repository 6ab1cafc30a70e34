"""A throw-away real Prometheus holding a history written for one test module: OpenMetrics
text backfilled with `promtool tsdb create-blocks-from openmetrics`, no scraping."""

import contextlib
import json
import subprocess
import time

import httpx
import pytest

from tests.slos.servers import free_port, prometheus_binary, promtool_binary


def counters(name, rows):
    """OpenMetrics lines of a counter ``name`` with a ``code`` label from rows of
    (timestamp, good so far, bad so far)."""
    lines = [f"# TYPE {name.removesuffix('_total')} counter"]
    for code, index in (("200", 1), ("500", 2)):
        lines += [f'{name}{{code="{code}"}} {row[index]} {row[0]:.1f}' for row in rows]
    return lines


@contextlib.contextmanager
def backfilled_prometheus(folder, openmetrics_lines, retention="60d"):
    """Yields the URL of a Prometheus holding the given history."""
    (folder / "history.om").write_text("\n".join([*openmetrics_lines, "# EOF"]) + "\n")
    subprocess.run([promtool_binary(), "tsdb", "create-blocks-from", "openmetrics",
                    "--max-block-duration=24h", str(folder / "history.om"),
                    str(folder / "data")], check=True, capture_output=True, timeout=300)
    (folder / "prometheus.yml").write_text(json.dumps({"scrape_configs": []}))
    url = f"http://127.0.0.1:{free_port()}"
    process = subprocess.Popen(
        [prometheus_binary(), f"--config.file={folder / 'prometheus.yml'}",
         f"--storage.tsdb.path={folder / 'data'}",
         f"--web.listen-address={url.removeprefix('http://')}",
         f"--storage.tsdb.retention.time={retention}", "--log.level=warn"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 60
        while not _ready(url):
            if time.monotonic() > deadline or process.poll() is not None:
                pytest.fail("the backfilled prometheus did not start")
            time.sleep(0.3)
        yield url
    finally:
        process.terminate()
        process.wait(timeout=20)


def _ready(url):
    try:
        return httpx.get(f"{url}/-/ready", timeout=2).status_code == 200
    except httpx.HTTPError:
        return False
