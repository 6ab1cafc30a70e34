from django.core.management.base import BaseCommand

from slos.definitions import export
from slos.formats import openslo
from slos.models import SLO


class Command(BaseCommand):
    help = ("Print every SLO as YAML, in the definitions format import_slos reads "
            "(or OpenSLO v1 with --format openslo).")

    def add_arguments(self, parser):
        parser.add_argument("--format", choices=["definitions", "openslo"],
                            default="definitions")

    def handle(self, *args, **options):
        writer = openslo.export if options["format"] == "openslo" else export
        self.stdout.write(writer(SLO.objects.select_related("service")), ending="")
