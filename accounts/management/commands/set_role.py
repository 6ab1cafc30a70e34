"""manage.py set_role <username> <viewer|editor|admin|default>: give a user a role."""

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from accounts.roles import ROLES, default_role, set_role


class Command(BaseCommand):
    help = "Give a user the viewer, editor or admin role (default: the configured default)."

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("role", choices=[*ROLES, "default"])

    def handle(self, username, role, **options):
        user = get_user_model().objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"No user named {username!r}.")
        set_role(user, None if role == "default" else role)
        shown = f"the default role ({default_role()})" if role == "default" else role
        self.stdout.write(f"{username} now has {shown}.")
