"""Celery tasks: thin wrappers over slos.poller, taking ids."""

from celery import shared_task
from django.conf import settings
from django.utils import timezone

from config.locks import exclusive
from slos import impacts, periods, poller, report
from slos.models import SLO, QueuedMonth, Snapshot
from slos.prometheus import TRANSIENT_KINDS


@shared_task(name="slos.poll_all")
def poll_all():
    """The beat job: one poll cycle over every SLO. SLOs that failed for a reason that may
    pass (refused, timeout, 5xx) are retried on their own with backoff."""
    with exclusive("slos.poll_all") as acquired:
        if not acquired:  # a second beat, or the previous cycle still running
            return {"skipped": "another poll cycle is running"}
        return _poll_cycle()


def _poll_cycle():
    snapshots = poller.poll(cycle=poller.cycle_start())
    retry = [s.slo_id for s in snapshots
             if s.status == Snapshot.Status.ERROR and s.fault in TRANSIENT_KINDS]
    for slo_id in retry:
        poll_one.apply_async((slo_id,), countdown=settings.SLO_RETRY_BACKOFF)
    measured = impacts.measure_pending()
    return {"polled": len(snapshots), "retrying": retry, "impacts_measured": len(measured)}



@shared_task(bind=True, name="slos.poll_one", max_retries=None)
def poll_one(self, slo_id):
    """Poll one SLO now; on a passing fault retry with exponential backoff."""
    slo = SLO.objects.select_related("data_source").filter(pk=slo_id).first()
    if slo is None:
        return {"slo": slo_id, "status": "deleted"}
    (snapshot,) = poller.poll([slo])
    if snapshot.status == Snapshot.Status.ERROR and snapshot.fault in TRANSIENT_KINDS \
            and self.request.retries < settings.SLO_MAX_RETRIES:
        raise self.retry(countdown=settings.SLO_RETRY_BACKOFF * 2 ** self.request.retries)
    return {"slo": slo_id, "status": snapshot.status, "fault": snapshot.fault,
            "snapshot": snapshot.pk}


@shared_task(name="slos.downsample")
def downsample():
    """Keep full resolution within each SLO's window, one snapshot a day beyond it."""
    return {"deleted": Snapshot.objects.downsample()}


@shared_task(name="slos.measure_month")
def measure_month(month=None):
    """Measure a month's compliance ("2026-11"; default: the month that just ended) for every
    SLO whose stored result is due (the report page queues the SLOs it did not measure), then
    mark the month's queued jobs done."""
    period = periods.parse_month(month) if month else report.default_month()
    started_at = timezone.now()
    measured = report.measure_month(period, started_at)
    QueuedMonth.objects.finished(periods.as_date(period), started_at)
    return {"measured": measured}


@shared_task(name="slos.measure_impacts")
def measure_impacts():
    """Measure the budget consumed by resolved incidents newly linked to SLOs."""
    return {"measured": len(impacts.measure_pending())}
