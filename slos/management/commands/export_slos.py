from django.core.management.base import BaseCommand

from slos.formats import choice
from slos.models import SLO


class Command(BaseCommand):
    help = ("Print every SLO as YAML, in the definitions format import_slos reads "
            "(or OpenSLO v1 with --format openslo).")

    def add_arguments(self, parser):
        parser.add_argument("--format", choices=list(choice.WRITERS),
                            default=choice.DEFINITIONS)

    def handle(self, *args, **options):
        self.stdout.write(choice.export(SLO.objects.select_related("service"),
                                        options["format"]), ending="")
