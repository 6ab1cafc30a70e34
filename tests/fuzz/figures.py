"""How hard the fuzz tests try (hypothesis settings) and what they found (the figures per
endpoint): a plain module the fuzz tests and their conftest import."""

import os
from collections import Counter, defaultdict

from hypothesis import HealthCheck, settings

# Examples per endpoint. 16 is what fits in ~3 minutes of a `-n 2` run on the shared
# development machine: 1,184 requests over 92 endpoints in 2 min 36 s (~0.13 s a request);
# the 3,789 requests take FUZZ_EXAMPLES=52 or so (~8 minutes there).
EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "16"))
FUZZ = settings(max_examples=EXAMPLES, deadline=None, derandomize=True, database=None,
                suppress_health_check=[HealthCheck.function_scoped_fixture,
                                       HealthCheck.too_slow, HealthCheck.data_too_large,
                                       HealthCheck.filter_too_much])


def fuzz(scale=1):
    """FUZZ with ``scale`` times the examples (derandomized: calling a test twice repeats it)."""
    return settings(FUZZ, max_examples=EXAMPLES * scale)


FIGURES = defaultdict(Counter)  # endpoint → {"tried": n, "2xx": n, "4xx": n, "5xx": n, ...}


def record(endpoint, status):
    FIGURES[endpoint]["tried"] += 1
    FIGURES[endpoint][f"{status // 100}xx"] += 1
