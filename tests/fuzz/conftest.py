"""Property-based fuzzing (hypothesis): bounded examples, no deadline, derandomized so a run
is repeatable. FUZZ_EXAMPLES scales it (default in tests/fuzz/figures.py). The figures (requests
tried per endpoint, answers by status class) are written to test-artifacts/fuzz-figures.txt:
under xdist each worker leaves its own counts beside it and writes the sum of the run's."""

import json
import os
from collections import Counter
from pathlib import Path

import pytest

from tests.fuzz.figures import FIGURES

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"


@pytest.fixture(scope="session", autouse=True)
def _write_figures():
    yield
    if not FIGURES:
        return
    run = os.environ.get("PYTEST_XDIST_TESTRUNUID", "single")
    worker = os.environ.get("PYTEST_XDIST_WORKER", "main")
    parts = ARTIFACTS / "fuzz-figures"
    parts.mkdir(parents=True, exist_ok=True)
    for old in parts.glob("*.json"):
        if not old.name.startswith(f"{run}-"):
            old.unlink(missing_ok=True)  # an earlier run's
    (parts / f"{run}-{worker}.json").write_text(json.dumps(FIGURES))
    figures = {}
    for part in parts.glob(f"{run}-*.json"):
        for endpoint, counts in json.loads(part.read_text()).items():
            figures.setdefault(endpoint, Counter()).update(counts)
    write(figures)


def write(figures):
    lines = [f"{'endpoint':60} tried  2xx  3xx  4xx  5xx"]
    for endpoint, counts in sorted(figures.items()):
        lines.append(f"{endpoint:60} {counts['tried']:5} {counts['2xx']:4} {counts['3xx']:4} "
                     f"{counts['4xx']:4} {counts['5xx']:4}")
    total = sum(c["tried"] for c in figures.values())
    errors = sum(c["5xx"] for c in figures.values())
    lines.append(f"{len(figures)} endpoints, {total} requests, {errors} answered 5xx")
    (ARTIFACTS / "fuzz-figures.txt").write_text("\n".join(lines) + "\n")
