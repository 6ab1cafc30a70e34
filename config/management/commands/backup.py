from django.core.management.base import BaseCommand, CommandError

from config.backups import BackupError, backup


class Command(BaseCommand):
    help = "Write the whole database to a file (pg_dump on PostgreSQL, a copy on SQLite)."

    def add_arguments(self, parser):
        parser.add_argument("file")

    def handle(self, *args, **options):
        try:
            backup(options["file"])
        except BackupError as error:
            raise CommandError(str(error)) from None
        self.stdout.write(f"Backed up to {options['file']}.")
