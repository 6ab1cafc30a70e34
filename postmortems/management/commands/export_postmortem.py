from django.core.management.base import BaseCommand, CommandError

from postmortems.documents.export import export_markdown
from postmortems.models import Postmortem


class Command(BaseCommand):
    help = "Print an incident's postmortem as Markdown (standard template section order)."

    def add_arguments(self, parser):
        parser.add_argument("id", type=int, help="The incident's id (as in /incidents/<id>/).")

    def handle(self, *args, **options):
        try:
            postmortem = Postmortem.objects.select_related("incident").get(
                incident_id=options["id"])
        except Postmortem.DoesNotExist:
            raise CommandError(f"Incident {options['id']} has no postmortem.") from None
        self.stdout.write(export_markdown(postmortem), ending="")
