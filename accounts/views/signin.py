"""Signing in and out: the password form (unless LOCAL_PASSWORDS=0) beside "Sign in with
<provider>" when single sign-on is configured; signing out also at the provider."""

from django.conf import settings
from django.contrib.auth import views as auth_views
from django.shortcuts import render

from accounts import sso


class LoginView(auth_views.LoginView):
    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "sso_enabled": sso.enabled(),
                "sso_name": settings.OIDC_PROVIDER_NAME,
                "local_passwords": settings.LOCAL_PASSWORDS}

    def post(self, request, *args, **kwargs):
        if not settings.LOCAL_PASSWORDS:
            # Refused before any password is checked (and before a failure is counted).
            return self.render_to_response(self.get_context_data(password_refused=True),
                                           status=400)
        return super().post(request, *args, **kwargs)


class LogoutView(auth_views.LogoutView):
    """Signs out here, then at the provider when signed in through it (and it can)."""

    def post(self, request, *args, **kwargs):
        id_token = request.session.get("oidc_id_token")
        provider_url = sso.provider_logout_url(request, id_token)
        response = super().post(request, *args, **kwargs)
        if not provider_url:
            return response
        # A page that moves on, not a redirect: the Content-Security-Policy's form-action
        # 'self' forbids a form's answer to redirect to another site.
        return render(request, "registration/signing_out.html",
                      {"provider_url": provider_url, "sso_name": settings.OIDC_PROVIDER_NAME})
