from importlib import import_module

from celery import shared_task
from django.conf import settings


@shared_task
def ping(payload):
    """Echo: lets /healthz-style checks and tests prove a worker round-trip through the broker."""
    return {"pong": payload}


@shared_task(name="config.send_outbox")
def send_outbox():
    """Celery beat, every minute: tasks kept while the broker was down are sent now."""
    from config.queue import send_outbox as send

    return {"sent": send()}


@shared_task(name="config.clear_expired_sessions")
def clear_expired_sessions():
    """Celery beat, daily: sessions past their expiry are deleted (what `manage.py
    clearsessions` does), else every sign-in leaves a row in django_session for ever."""
    import_module(settings.SESSION_ENGINE).SessionStore.clear_expired()
