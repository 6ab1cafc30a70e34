from django.core.management.base import BaseCommand

from slos.definitions import export
from slos.models import SLO


class Command(BaseCommand):
    help = "Print every SLO as YAML, in the definitions format import_slos reads."

    def handle(self, *args, **options):
        self.stdout.write(export(SLO.objects.select_related("service")), ending="")
