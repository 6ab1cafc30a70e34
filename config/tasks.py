from celery import shared_task


@shared_task
def ping(payload):
    """Echo: lets /healthz-style checks and tests prove a worker round-trip through the broker."""
    return {"pong": payload}


@shared_task(name="config.send_outbox")
def send_outbox():
    """Celery beat, every minute: tasks kept while the broker was down are sent now."""
    from config.queue import send_outbox as send

    return {"sent": send()}
