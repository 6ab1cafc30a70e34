from celery import shared_task

from postmortems import digest


@shared_task(name="postmortems.send_weekly_digest")
def send_weekly_digest():
    """Weekly (Celery beat, see CELERY_BEAT_SCHEDULE): e-mail owners their action items."""
    return digest.send_weekly_digest()


@shared_task(name="postmortems.link_recurring_causes")
def link_recurring_causes(why_ids):
    """After a why is saved (on commit): store its links to similar root causes."""
    from postmortems import recurring

    return recurring.link_root_causes(why_ids)


@shared_task(name="postmortems.refresh_similar_incidents")
def refresh_similar_incidents(postmortem_ids, around=()):
    """After causes changed (on commit): store again the similar incidents of these
    postmortems and of the others the change may concern (postmortems.similar)."""
    from postmortems import similar

    similar.refresh_similar_incidents(postmortem_ids, around)
