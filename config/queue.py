"""Sending work to Celery from a request: it never hangs and is never lost.

``send(task, *args)`` publishes with short timeouts and one quick retry; if the broker cannot
be reached the task is stored in the outbox (``OutboxTask``) and ``send`` returns False, and
the caller tells the user "queued work could not be sent; it will be retried". Celery beat
runs ``send_outbox`` every minute: once the broker is back, the stored tasks go out in order.
Results are never awaited: a result backend that is down cannot block a request either.
"""

import logging

from celery import current_app
from django.conf import settings
from django.db import transaction

from config.models import OutboxTask

log = logging.getLogger(__name__)

NOT_SENT_MESSAGE = "Queued work could not be sent; it will be retried."
RETRY_POLICY = {"max_retries": 1, "interval_start": 0, "interval_step": 0.2,
                "interval_max": 0.2}


def publish(task_name, args):
    with current_app.connection_for_write(url=settings.CELERY_BROKER_URL) as connection:
        current_app.send_task(task_name, args=list(args), ignore_result=True, retry=True,
                              retry_policy=RETRY_POLICY, connection=connection)


def send(task, *args):
    """Publish ``task(*args)`` now; on a broker fault keep it in the outbox. True if sent."""
    try:
        publish(task.name, args)
    except Exception as exc:  # kombu/redis raise transport-specific errors: all mean "not sent"
        log.warning("broker unreachable, %s%r kept in the outbox: %s", task.name, args, exc)
        OutboxTask.objects.create(task=task.name, args=list(args),
                                  error=str(exc).splitlines()[0][:500] if str(exc) else "")
        return False
    return True


def send_on_commit(task, *args, request=None):
    """``send`` once the current transaction commits; with a request, a failed send is said
    on the next page (the saved work stays saved)."""
    from django.contrib import messages

    def _send():
        if not send(task, *args) and request is not None:
            messages.warning(request, NOT_SENT_MESSAGE)

    transaction.on_commit(_send)


def send_outbox(limit=500):
    """Send the stored tasks, oldest first; stop at the first that still fails."""
    sent = 0
    for entry in OutboxTask.objects.all()[:limit]:
        try:
            publish(entry.task, entry.args)
        except Exception as exc:
            OutboxTask.objects.filter(pk=entry.pk).update(
                attempts=entry.attempts + 1, error=str(exc).splitlines()[0][:500])
            break
        entry.delete()
        sent += 1
    return sent
