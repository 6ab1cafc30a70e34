"""Demo incidents, postmortems and action items for `make run` (idempotent)."""


def load(user):
    """Create the demo data set owned by ``user``; running it twice changes nothing."""
