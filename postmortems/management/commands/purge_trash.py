from datetime import timedelta

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from postmortems.models import Incident


class Command(BaseCommand):
    help = ("Delete permanently the incidents that have been in the trash longer than "
            "--older-than DAYS, with everything under them (e.g. from cron).")

    def add_arguments(self, parser):
        parser.add_argument("--older-than", type=int, required=True, metavar="DAYS",
                            help="Days in the trash (0: everything in the trash).")

    def handle(self, *args, **options):
        days = options["older_than"]
        if days < 0:
            raise CommandError("--older-than takes a number of days, 0 or more.")
        cutoff = timezone.now() - timedelta(days=days)
        purged = 0
        for incident in Incident.all_objects.in_trash().filter(deleted_at__lte=cutoff):
            incident.purge()
            purged += 1
        self.stdout.write(f"Purged {purged} incident{'s' if purged != 1 else ''} that had been "
                          f"in the trash more than {days} day{'s' if days != 1 else ''}.")
