from django.core.management.base import BaseCommand

from postmortems.recurring import link_all_root_causes


class Command(BaseCommand):
    help = ("Recompute the stored links between similar root causes (the dashboard's recurring "
            "causes); saving a why does it for that why, this does it for all, e.g. after a "
            "bulk import.")

    def handle(self, *args, **options):
        count = link_all_root_causes()
        self.stdout.write(f"Linked {count} root cause{'s' if count != 1 else ''}.")
