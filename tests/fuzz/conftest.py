"""Property-based fuzzing (hypothesis): bounded examples, no deadline, derandomized so a run
is repeatable. FUZZ_EXAMPLES scales it (default 6 per endpoint). The figures (requests tried
per endpoint, answers by status class, tests/fuzz/figures.py) are written to
test-artifacts/fuzz-figures.txt."""

from pathlib import Path

import pytest

from tests.fuzz.figures import FIGURES


@pytest.fixture(scope="session", autouse=True)
def _write_figures():
    yield
    if not FIGURES:
        return
    out = Path(__file__).resolve().parents[2] / "test-artifacts" / "fuzz-figures.txt"
    out.parent.mkdir(exist_ok=True)
    lines = [f"{'endpoint':60} tried  2xx  3xx  4xx  5xx"]
    for endpoint, counts in sorted(FIGURES.items()):
        lines.append(f"{endpoint:60} {counts['tried']:5} {counts['2xx']:4} {counts['3xx']:4} "
                     f"{counts['4xx']:4} {counts['5xx']:4}")
    total = sum(c["tried"] for c in FIGURES.values())
    errors = sum(c["5xx"] for c in FIGURES.values())
    lines.append(f"{len(FIGURES)} endpoints, {total} requests, {errors} answered 5xx")
    out.write_text("\n".join(lines) + "\n")
