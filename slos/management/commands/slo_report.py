import csv

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from slos import periods, report
from slos.models import SLO


class Command(BaseCommand):
    help = ("Measure a month's SLO compliance for every SLO (the worker's job: default, the "
            "month that just ended), store it, and print the report as CSV.")

    def add_arguments(self, parser):
        parser.add_argument("--month", help="e.g. 2026-11 (default: the month that just ended)")

    def handle(self, *args, **options):
        try:
            period = periods.parse_month(options["month"]) if options["month"] else None
        except ValueError as exc:
            raise CommandError(str(exc)) from None
        period = period or report.default_month()
        if period.start > timezone.now():
            raise CommandError(f"{period.name} has not begun")
        report.measure_month(period)
        rows, _queued = report.rows(SLO.objects.for_panels(), period, limit=0)
        writer = csv.writer(self.stdout)
        writer.writerow(report.CSV_COLUMNS)
        for row in rows:
            writer.writerow(report.csv_values(row))
