from django.core.management.base import BaseCommand
from oidc_provider.models import Client, ResponseType, RSAKey


class Command(BaseCommand):
    help = "Register a confidential client (and make an RS256 key if there is none)."

    def add_arguments(self, parser):
        parser.add_argument("client_id")
        parser.add_argument("secret")
        parser.add_argument("--redirect-uri", action="append", default=[])
        parser.add_argument("--post-logout-uri", action="append", default=[])

    def handle(self, client_id, secret, redirect_uri, post_logout_uri, **options):
        if not RSAKey.objects.exists():
            from django.core.management import call_command

            call_command("creatersakey")
        client, _ = Client.objects.update_or_create(client_id=client_id, defaults={
            "name": "Postmortems", "client_type": "confidential", "client_secret": secret,
            "jwt_alg": "RS256", "require_consent": False, "reuse_consent": True})
        client.redirect_uris = redirect_uri
        client.post_logout_redirect_uris = post_logout_uri
        client.save()
        client.response_types.set([ResponseType.objects.get(value="code")])
