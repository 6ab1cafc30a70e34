"""Demo SLOs for `make run` (idempotent)."""


def load(user):
    """Create the demo SLOs; running it twice changes nothing."""
