"""Single sign-on with OpenID Connect (mozilla-django-oidc), configured from the environment.

The provider's endpoints come from its discovery document (OIDC_DISCOVERY_URL), fetched when a
sign-in first needs it and cached for an hour: nothing is fetched at start-up nor on a page
view. The code flow uses PKCE and a nonce; the ID token must be RS256-signed by a key of the
provider's JWKS, issued by the discovery document's issuer for this client. Who is signed in
and with which role is decided by SsoIdentity.sign_in (accounts/models/users.py).

Signing out of this site also ends the provider's session when the provider has an
end_session_endpoint (RP-initiated logout, with the ID token as hint).
"""

import hashlib
import logging
from urllib.parse import urlencode

import requests
from django.conf import settings
from django.contrib import messages
from django.core.cache import cache
from django.core.exceptions import SuspiciousOperation
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import redirect
from django.urls import reverse
from mozilla_django_oidc.auth import OIDCAuthenticationBackend
from mozilla_django_oidc.utils import import_from_settings
from mozilla_django_oidc.views import (
    OIDCAuthenticationCallbackView,
    OIDCAuthenticationRequestView,
)

from accounts.models import SignInRefused, SsoIdentity

log = logging.getLogger(__name__)

DISCOVERY_CACHE_SECONDS = 3600
TIMEOUT = 10
REQUIRED = ("issuer", "authorization_endpoint", "token_endpoint", "jwks_uri",
            "userinfo_endpoint")


class ProviderUnavailable(Exception):
    """The sign-in provider cannot be reached or answers nonsense; the message says which."""


def enabled():
    return bool(settings.OIDC_DISCOVERY_URL)


def discovery():
    """The provider's discovery document (cached); raises ProviderUnavailable."""
    url = settings.OIDC_DISCOVERY_URL
    key = "accounts.sso.discovery." + hashlib.sha256(url.encode()).hexdigest()
    document = cache.get(key)
    if document is not None:
        return document
    try:
        response = requests.get(url, timeout=TIMEOUT)
        response.raise_for_status()
        document = response.json()
    except (requests.RequestException, ValueError) as exc:
        raise ProviderUnavailable(f"{settings.OIDC_PROVIDER_NAME} cannot be reached "
                                  f"({type(exc).__name__}); try again in a minute.") from exc
    missing = [name for name in REQUIRED if not isinstance(document, dict)
               or not isinstance(document.get(name), str)]
    if missing:
        raise ProviderUnavailable(f"The discovery document of {settings.OIDC_PROVIDER_NAME} "
                                  f"lacks {', '.join(missing)}: check OIDC_DISCOVERY_URL.")
    cache.set(key, document, DISCOVERY_CACHE_SECONDS)
    return document


# mozilla-django-oidc's setting names, answered from ours and from the discovery document.
OUR_SETTINGS = {
    "OIDC_RP_CLIENT_ID": lambda: settings.OIDC_CLIENT_ID,
    "OIDC_RP_CLIENT_SECRET": lambda: settings.OIDC_CLIENT_SECRET,
    "OIDC_RP_SCOPES": lambda: settings.OIDC_SCOPES,
    "OIDC_RP_SIGN_ALGO": lambda: "RS256",  # every OpenID provider must support it
    "OIDC_OP_AUTHORIZATION_ENDPOINT": lambda: discovery()["authorization_endpoint"],
    "OIDC_OP_TOKEN_ENDPOINT": lambda: discovery()["token_endpoint"],
    "OIDC_OP_USER_ENDPOINT": lambda: discovery()["userinfo_endpoint"],
    "OIDC_OP_JWKS_ENDPOINT": lambda: discovery()["jwks_uri"],
    "OIDC_AUTHENTICATION_CALLBACK_URL": lambda: "accounts:sso_callback",
    "OIDC_STORE_ID_TOKEN": lambda: True,
    "OIDC_USE_PKCE": lambda: True,
    "OIDC_TIMEOUT": lambda: TIMEOUT,
    "LOGIN_REDIRECT_URL_FAILURE": lambda: reverse("login"),
}


def setting(name, *default):
    if name in OUR_SETTINGS:
        return OUR_SETTINGS[name]()
    return import_from_settings(name, *default)


class SsoBackend(OIDCAuthenticationBackend):
    """Authenticates the provider's answer on the callback URL; any other call is not ours."""

    get_settings = staticmethod(setting)

    def __init__(self, *args, **kwargs):
        # Instantiated for every request of a signed-in user and every password sign-in:
        # nothing here may fetch the discovery document.
        from django.contrib.auth import get_user_model

        self.UserModel = get_user_model()

    def authenticate(self, request, **kwargs):
        if (request is None or not enabled() or "code" not in request.GET
                or "state" not in request.GET or "nonce" not in kwargs):
            return None
        provider = discovery()
        self.issuer = provider["issuer"]
        self.OIDC_OP_TOKEN_ENDPOINT = provider["token_endpoint"]
        self.OIDC_OP_USER_ENDPOINT = provider["userinfo_endpoint"]
        self.OIDC_OP_JWKS_ENDPOINT = provider["jwks_uri"]
        self.OIDC_RP_CLIENT_ID = settings.OIDC_CLIENT_ID
        self.OIDC_RP_CLIENT_SECRET = settings.OIDC_CLIENT_SECRET
        self.OIDC_RP_SIGN_ALGO = "RS256"
        self.OIDC_RP_IDP_SIGN_KEY = None
        return super().authenticate(request, **kwargs)

    def get_user(self, user_id):
        """The signed-in user of a session, unless deactivated meanwhile (mozilla-django-oidc's
        own would keep a deactivated user's sessions working)."""
        user = super().get_user(user_id)
        return user if user is not None and self.user_can_authenticate(user) else None

    def verify_token(self, token, **kwargs):
        payload = super().verify_token(token, **kwargs)
        audience = payload.get("aud")
        audiences = [audience] if isinstance(audience, str) else list(audience or [])
        if payload.get("iss") != self.issuer or settings.OIDC_CLIENT_ID not in audiences:
            raise SuspiciousOperation("The ID token was not issued for this site by the "
                                      "configured provider (iss/aud).")
        return payload

    def get_userinfo(self, access_token, id_token, payload):
        """The ID token's claims and the userinfo endpoint's (the groups may be in either)."""
        userinfo = super().get_userinfo(access_token, id_token, payload)
        if userinfo.get("sub") != payload.get("sub"):
            raise SuspiciousOperation("The userinfo subject differs from the ID token's.")
        return {**payload, **userinfo}

    def get_or_create_user(self, access_token, id_token, payload):
        claims = self.get_userinfo(access_token, id_token, payload)
        try:
            return SsoIdentity.sign_in(self.issuer, claims)
        except SignInRefused as refusal:
            self.request.sso_refusal = str(refusal)
            return None


class SignInView(OIDCAuthenticationRequestView):
    """Sends the browser to the provider's sign-in page."""

    get_settings = staticmethod(setting)

    def __init__(self, **kwargs):  # the endpoint is read in get(), where a failure is shown
        super(OIDCAuthenticationRequestView, self).__init__(**kwargs)

    def get(self, request):
        if not enabled():
            raise Http404("Single sign-on is not configured.")
        try:
            self.OIDC_OP_AUTH_ENDPOINT = discovery()["authorization_endpoint"]
        except ProviderUnavailable as exc:
            messages.error(request, str(exc))
            return redirect("login")
        self.OIDC_RP_CLIENT_ID = settings.OIDC_CLIENT_ID
        return super().get(request)


class CallbackView(OIDCAuthenticationCallbackView):
    """The redirect URI registered at the provider: signs the user in, or says why not."""

    get_settings = staticmethod(setting)

    def get(self, request):
        if not enabled():
            raise Http404("Single sign-on is not configured.")
        try:
            return super().get(request)
        except ProviderUnavailable as exc:
            return self.refuse(str(exc))
        except requests.RequestException as exc:
            log.warning("single sign-on: the provider failed: %s", exc)
            return self.refuse(f"{settings.OIDC_PROVIDER_NAME} did not complete the sign-in "
                               "(its token endpoint failed); try again.")
        except SuspiciousOperation as exc:
            log.warning("single sign-on refused: %s", exc)
            return self.refuse("That sign-in answer could not be checked (it was used "
                               "already, or is not for this site); sign in again.")

    def login_failure(self):
        reason = getattr(self.request, "sso_refusal", None)
        if reason is None and getattr(self, "user", None) is not None:
            reason = "Your account here is deactivated: ask an admin to reactivate it."
        if reason is None and self.request.GET.get("error"):
            reason = (f"{settings.OIDC_PROVIDER_NAME} did not sign you in "
                      f"({self.request.GET.get('error')[:100]}).")
        return self.refuse(reason or "Single sign-on did not complete; sign in again.")

    def refuse(self, reason):
        messages.error(self.request, reason)
        return HttpResponseRedirect(reverse("login"))


def is_provider_sign_in(request, credentials=None):
    """django-axes' AXES_WHITELIST_CALLABLE: the provider's answer on the callback is not a
    password guess (the provider throttles its own sign-ins), so a refused one must not count
    towards locking out everybody behind the same address."""
    credentials = credentials or {}
    return "nonce" in credentials and "password" not in credentials


def provider_logout_url(request, id_token):
    """Where to send the browser so the provider ends its session too (None: it cannot)."""
    if not enabled() or not id_token:
        return None
    try:
        end_session = discovery().get("end_session_endpoint")
    except ProviderUnavailable:
        return None
    if not isinstance(end_session, str) or not end_session:
        return None
    query = urlencode({"id_token_hint": id_token, "client_id": settings.OIDC_CLIENT_ID,
                       "post_logout_redirect_uri": request.build_absolute_uri(reverse("login"))})
    return f"{end_session}{'&' if '?' in end_session else '?'}{query}"


__all__ = ["CallbackView", "ProviderUnavailable", "SignInView", "SsoBackend", "discovery",
           "enabled", "is_provider_sign_in", "provider_logout_url"]
