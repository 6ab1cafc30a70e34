"""Speed benchmarks (`make bench`). Speed targets live here, never in the test suite."""
