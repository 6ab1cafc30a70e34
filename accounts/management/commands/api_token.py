from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from accounts.models import ApiToken


class Command(BaseCommand):
    help = ("Issue an API token for a user (for /api/v1/, /api/slos/ and the error-budget "
            "gate). The key is printed once, on the last line; only its hash is stored.")

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--name", default="deploy pipeline", help="what uses the token")
        parser.add_argument("--scope", choices=ApiToken.Scope.values, default="read",
                            help="read (the default) or write")

    def handle(self, *args, **options):
        user = get_user_model().objects.filter(username=options["username"]).first()
        if user is None:
            raise CommandError(f"no user {options['username']!r}")
        if not options["name"].strip():
            raise CommandError("give the token a --name saying what uses it")
        token, key = ApiToken.issue(user, options["name"].strip()[:100], options["scope"])
        self.stderr.write(f"{token.scope} token {token.name!r} for {user.username}; "
                          "the key is shown once:")
        self.stdout.write(key)
