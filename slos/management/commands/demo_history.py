import sys

from django.core.management.base import BaseCommand
from django.utils import timezone

from slos import demo_history


class Command(BaseCommand):
    help = ("The demo's past for `make run`: --openmetrics prints 28 days of the demo "
            "workload (with the demo incidents as error spikes) for promtool to backfill; "
            "--poll-past polls the demo SLOs at past times once Prometheus holds it.")

    def add_arguments(self, parser):
        parser.add_argument("--openmetrics", action="store_true")
        parser.add_argument("--poll-past", action="store_true")
        parser.add_argument("--instance", default="127.0.0.1:9101",
                            help="host:port of the demo workload, as Prometheus scrapes it")
        parser.add_argument("--minutes-ago", type=int, default=10,
                            help="the history ends this long ago (before live scraping)")

    def handle(self, *args, **options):
        now = timezone.now()
        if options["openmetrics"]:
            end = now - timezone.timedelta(minutes=options["minutes_ago"])
            for line in demo_history.openmetrics(end, demo_history.demo_incidents(),
                                                 options["instance"]):
                sys.stdout.write(line + "\n")
            sys.stdout.write("# EOF\n")
        if options["poll_past"]:
            polls = demo_history.poll_the_past(now)
            self.stderr.write(f"demo history: {polls} past polls stored.")
