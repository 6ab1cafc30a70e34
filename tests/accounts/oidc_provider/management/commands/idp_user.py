from django.contrib.auth.models import Group, User
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Create or update a user of the provider with a password, e-mail and groups."

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--password", required=True)
        parser.add_argument("--email", default="")
        parser.add_argument("--first-name", default="")
        parser.add_argument("--groups", default="", help="comma-separated")

    def handle(self, username, password, email, first_name, groups, **options):
        user, _ = User.objects.get_or_create(username=username)
        user.email, user.first_name = email, first_name
        user.set_password(password)
        user.save()
        user.groups.set([Group.objects.get_or_create(name=name)[0]
                         for name in groups.split(",") if name])
