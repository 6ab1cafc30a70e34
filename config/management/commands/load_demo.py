from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand
from django.db import transaction

from postmortems import demo as postmortems_demo
from postmortems.meetings import demo as meeting_demo
from slos import demo as slos_demo

DEMO_USERNAME = "demo"
DEMO_PASSWORD = "demo"


class Command(BaseCommand):
    help = "Load the demo data set and the demo login. Safe to run again: nothing is duplicated."

    def add_arguments(self, parser):
        parser.add_argument("--url", default="http://127.0.0.1:8000/",
                            help="where the site answers, for the login hint (make run: PORT)")

    @transaction.atomic
    def handle(self, *args, **options):
        User = get_user_model()
        user, created = User.objects.get_or_create(
            username=DEMO_USERNAME,
            defaults={"first_name": "Demo", "email": "demo@example.com", "is_staff": True,
                      "is_superuser": True},
        )
        if created:
            user.set_password(DEMO_PASSWORD)
            user.save()
        postmortems_demo.load(user)
        meeting_demo.load(user)
        slos_demo.load(user)
        self.stdout.write(self.style.SUCCESS(
            f"Demo data ready. Log in at {options['url']} as "
            f"{DEMO_USERNAME} / {DEMO_PASSWORD}"
        ))
