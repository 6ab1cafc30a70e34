"""Who calls the API: a logged-in session (the browsable docs) or an API token sent as
``Authorization: Bearer <key>`` (scripts, pipelines, a chat bridge)."""

from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import authentication, exceptions

from accounts.models import ApiToken


class BearerTokenAuthentication(authentication.BaseAuthentication):
    """``request.auth`` is the ApiToken, so permissions can read its scope."""

    keywords = ("bearer", "token")

    def authenticate(self, request):
        scheme, _, key = request.headers.get("Authorization", "").partition(" ")
        if scheme.lower() not in self.keywords:
            return None
        token = ApiToken.find(key.strip())
        if token is None:
            raise exceptions.AuthenticationFailed(
                "This API token is not valid: it was revoked, its user is deactivated, or it "
                "was mistyped.")
        return token.user, token

    def authenticate_header(self, request):
        return 'Bearer realm="api"'


class BearerTokenScheme(OpenApiAuthenticationExtension):
    """How the OpenAPI schema describes the token."""

    target_class = BearerTokenAuthentication
    name = "apiToken"

    def get_security_definition(self, auto_schema):
        return {"type": "http", "scheme": "bearer",
                "description": "An API token from your profile page or `manage.py api_token`."}
