from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from postmortems.documents.export import MalformedDocument, import_markdown


class Command(BaseCommand):
    help = ("Create an incident and its postmortem from a Markdown file written by "
            "export_postmortem; prints the new incident's id. A malformed file is refused "
            "whole, with the line and the reason.")

    def add_arguments(self, parser):
        parser.add_argument("file", help="The Markdown file.")

    def handle(self, *args, **options):
        path = Path(options["file"])
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as error:
            raise CommandError(f"Cannot read {path}: {error}") from None
        try:
            incident = import_markdown(text)
        except MalformedDocument as error:
            raise CommandError(f"{path}: line {error.line}: {error.reason} "
                               "Nothing was imported.") from None
        self.stdout.write(str(incident.pk))
