from celery import shared_task

from postmortems import digest


@shared_task(name="postmortems.send_weekly_digest")
def send_weekly_digest():
    """Weekly (Celery beat, see CELERY_BEAT_SCHEDULE): e-mail owners their action items."""
    return digest.send_weekly_digest()
