import sys

from django.core.management.base import BaseCommand, CommandError

from postmortems.models import Service
from slos.definitions import ImportRefused
from slos.formats import choice
from slos.models import DataSource


class Command(BaseCommand):
    help = "Import SLOs from a YAML definitions file (all or nothing); '-' reads stdin."

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument("--service", help="service slug for entries that name none")
        parser.add_argument("--data-source", help="data source name (default: the first one)")
        parser.add_argument("--format", choices=[choice.AUTO, *choice.FORMATS],
                            default=choice.DEFINITIONS,
                            help="definitions (the SLO definition template), sloth "
                                 "(a Sloth prometheus/v1 spec), openslo (OpenSLO v1) or auto "
                                 "(read from the file's apiVersion: or version:)")

    def handle(self, *args, **options):
        service = data_source = None
        if options["service"]:
            service = Service.objects.filter(slug=options["service"]).first()
            if service is None:
                raise CommandError(f"no service with slug {options['service']!r}")
        if options["data_source"]:
            data_source = DataSource.objects.filter(name=options["data_source"]).first()
            if data_source is None:
                raise CommandError(f"no data source named {options['data_source']!r}")
        try:
            if options["file"] == "-":
                text = sys.stdin.read()
            else:
                with open(options["file"], encoding="utf-8") as handle:
                    text = handle.read()
        except OSError as exc:
            raise CommandError(f"cannot read {options['file']}: {exc.strerror}") from None
        try:
            _format, slos = choice.import_text(text, options["format"], service, data_source)
        except ImportRefused as refused:
            raise CommandError("the file was refused, nothing was imported:\n  "
                               + "\n  ".join(refused.errors)) from None
        for slo in slos:
            self.stdout.write(f"imported {slo.slug} into service {slo.service.slug} "
                              f"({slo.service_reason})")
        self.stdout.write(f"{len(slos)} SLO(s) imported.")
