"""Celery tasks: thin wrappers over trackers.sync, taking ids."""

from celery import shared_task

from config.locks import exclusive
from trackers import sync


@shared_task(name="trackers.create_ticket")
def create_ticket(link_id):
    """Create one pending ticket now; a failure is retried by the poll job with backoff."""
    return sync.create_ticket(link_id)


@shared_task(name="trackers.poll_tickets")
def poll_tickets():
    """The beat job (also ``manage.py poll_tickets``)."""
    with exclusive("trackers.poll_tickets") as acquired:
        if not acquired:
            return {"skipped": "another poll run is going on"}
        return sync.poll()
