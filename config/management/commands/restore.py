from django.core.management.base import BaseCommand, CommandError

from config.backups import BackupError, restore


class Command(BaseCommand):
    help = "Replace the whole database with a file written by `backup`."

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument("--yes", action="store_true",
                            help="do not ask: everything in the database is replaced")

    def handle(self, *args, **options):
        if not options["yes"] and input(
                "Everything in the database will be replaced. Type 'yes': ") != "yes":
            raise CommandError("Nothing was restored.")
        try:
            restore(options["file"])
        except BackupError as error:
            raise CommandError(str(error)) from None
        self.stdout.write(f"Restored from {options['file']}.")
