from celery import shared_task


@shared_task
def ping(payload):
    """Echo: lets /healthz-style checks and tests prove a worker round-trip through the broker."""
    return {"pong": payload}
