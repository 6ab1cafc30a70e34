from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from slos.models import ApiToken


class Command(BaseCommand):
    help = ("Issue an API token for a user (for /api/slos/ and the error-budget gate). "
            "The key is printed once and only its hash is stored.")

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--name", default="deploy pipeline")

    def handle(self, *args, **options):
        user = get_user_model().objects.filter(username=options["username"]).first()
        if user is None:
            raise CommandError(f"no user {options['username']!r}")
        _, key = ApiToken.issue(user, options["name"])
        self.stdout.write(key)
