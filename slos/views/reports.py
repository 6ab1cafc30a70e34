"""The monthly compliance report: every SLO for one month (page and CSV), one SLO's last
months. Thin views over slos.report; a bounded number of Prometheus queries per request."""

import csv
from urllib.parse import urlencode

from django.core.paginator import Paginator
from django.http import StreamingHttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.views.decorators.http import require_GET

from config import queue
from slos import periods, report
from slos.models import SLO, QueuedMonth
from slos.tasks import measure_month


def _month(request, now):
    """(period, error) from ?month=YYYY-MM (default: the current month)."""
    text = request.GET.get("month")
    if not text:
        return periods.month_of(now), ""
    try:
        period = periods.parse_month(text)
    except ValueError as exc:
        return periods.month_of(now), f"{exc}: showing the current month."
    if period.start > now:
        return periods.month_of(now), (f"{period.name} has not begun: showing the current "
                                       "month.")
    return period, ""


def _queue_rest(queued, period):
    """The month's job for the SLOs left unmeasured, unless one is pending or running."""
    if queued and QueuedMonth.objects.claim(periods.as_date(period)):
        queue.send(measure_month, period.key)


@require_GET
def month_report(request):
    now = timezone.now()
    period, error = _month(request, now)
    page = Paginator(SLO.objects.select_related("service", "data_source"),
                     report.PAGE_SIZE).get_page(request.GET.get("page"))
    rows, _queued = report.rows(page, period, now)
    summary = report.summary(period, page.paginator.count)
    _queue_rest(summary.pending, period)
    following = period.next()
    return render(request, "slos/report.html", {
        "period": period, "rows": rows, "error": error, "queued": summary.pending,
        "current": period.contains(now), "day": period.day(now),
        "previous": period.previous(), "next": following if following.start <= now else None,
        "met": summary.met, "measured": summary.measured,
        "page": page, "query": urlencode({"month": period.key}),
    }, status=400 if error else 200)


@require_GET
def month_report_csv(request):
    now = timezone.now()
    period, error = _month(request, now)
    if error:
        return render(request, "slos/report.html", {"period": period, "rows": [],
                                                   "error": error}, status=400)
    rows, queued = report.rows(SLO.objects.for_panels(), period, now)
    _queue_rest(queued, period)
    writer = csv.writer(_Line())

    def lines():
        yield writer.writerow(report.CSV_COLUMNS)
        for row in rows:
            yield writer.writerow([_cell(value) for value in report.csv_values(row)])

    response = StreamingHttpResponse(lines(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="slo-report-{period.key}.csv"'
    return response


@require_GET
def slo_report(request, pk):
    slo = get_object_or_404(SLO.objects.for_panels(), pk=pk)
    now = timezone.now()
    return render(request, "slos/slo_report.html", {
        "slo": slo, "rows": report.months_of(slo, now), "now": now})


class _Line:
    def write(self, value):
        return value


def _cell(value):
    """Spreadsheets run cells starting with = + - @ as formulas: quote them (numbers as is)."""
    if isinstance(value, int | float):
        return value
    value = "" if value is None else str(value)
    return f"'{value}" if value[:1] in ("=", "+", "-", "@", "\t", "\r") else value
