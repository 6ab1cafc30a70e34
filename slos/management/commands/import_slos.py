import sys

from django.core.management.base import BaseCommand, CommandError

from postmortems.models import Service
from slos.definitions import ImportRefused, import_text
from slos.formats import openslo, sloth
from slos.models import DataSource


class Command(BaseCommand):
    help = "Import SLOs from a YAML definitions file (all or nothing); '-' reads stdin."

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument("--service", help="service slug for entries that name none")
        parser.add_argument("--data-source", help="data source name (default: the first one)")
        parser.add_argument("--format", choices=["definitions", "sloth", "openslo"],
                            default="definitions",
                            help="definitions (the SLO definition template) or sloth "
                                 "(a Sloth prometheus/v1 spec) or openslo (OpenSLO v1)")

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
            reader = {"sloth": sloth.import_text, "openslo": openslo.import_text}.get(
                options["format"], import_text)
            slos = reader(text, default_service=service, data_source=data_source)
        except ImportRefused as refused:
            raise CommandError("the file was refused, nothing was imported:\n  "
                               + "\n  ".join(refused.errors)) from None
        for slo in slos:
            self.stdout.write(f"imported {slo.slug} into service {slo.service.slug} "
                              f"({slo.service_reason})")
        self.stdout.write(f"{len(slos)} SLO(s) imported.")
