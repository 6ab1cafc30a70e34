from django.core.management.base import BaseCommand

from postmortems.recurring import link_all_root_causes
from postmortems.similar import store_all_similar_incidents


class Command(BaseCommand):
    help = ("Recompute the stored links between similar root causes (the dashboard's recurring "
            "causes) and each postmortem's similar incidents (the editor's \"Seen before?\"); "
            "saving a cause does it for that cause, this does it for all, e.g. after a bulk "
            "import.")

    def handle(self, *args, **options):
        count = link_all_root_causes()
        self.stdout.write(f"Linked {count} root cause{'s' if count != 1 else ''}.")
        count = store_all_similar_incidents()
        self.stdout.write(f"Stored the similar incidents of {count} "
                          f"postmortem{'s' if count != 1 else ''}.")
