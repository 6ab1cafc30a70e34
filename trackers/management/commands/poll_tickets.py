from django.core.management.base import BaseCommand

from trackers import sync


class Command(BaseCommand):
    help = "Poll the linked tickets that are due (and create pending ones): the beat job, once."

    def add_arguments(self, parser):
        parser.add_argument("--batch", type=int, default=None,
                            help="At most this many tickets (default TRACKER_POLL_BATCH).")

    def handle(self, *args, batch=None, **options):
        counts = sync.poll(batch=batch)
        self.stdout.write(", ".join(f"{name}: {value}" for name, value in counts.items()))
