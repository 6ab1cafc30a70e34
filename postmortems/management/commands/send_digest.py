from django.core.management.base import BaseCommand

from postmortems.digest import send_weekly_digest


class Command(BaseCommand):
    help = "Send the weekly action-item digest now (the same job Celery beat runs on Mondays)."

    def handle(self, *args, **options):
        sent = send_weekly_digest()
        self.stdout.write(f"Sent {sent} digest e-mail{'s' if sent != 1 else ''}.")
