from django.core.management.base import BaseCommand

from slos import poller
from slos.models import SLO


class Command(BaseCommand):
    help = "Run one poll cycle now (the beat job's code) and print one line per SLO."

    def handle(self, *args, **options):
        slos = {slo.pk: slo for slo in SLO.objects.select_related("data_source", "service")}
        snapshots = poller.poll(list(slos.values()))
        for snapshot in sorted(snapshots, key=lambda s: slos[s.slo_id].slug):
            self.stdout.write(poller.describe(snapshot, slos[snapshot.slo_id]))
        if not snapshots:
            self.stdout.write("no SLOs to poll.")
