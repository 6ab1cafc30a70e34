"""Signed-in users' own account: the password, and the profile page with their API tokens.

Changing the password ends every other session of the user (their session hash no longer
matches); this browser stays signed in (Django's update_session_auth_hash, in
PasswordChangeView). API tokens are created, named, scoped and revoked by their owner; a new
key is shown once, on the page after it was created, and never again.
"""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse_lazy
from django.views.decorators.http import require_http_methods, require_POST

from accounts.forms import ApiTokenForm
from accounts.models import ApiToken
from accounts.roles import role_of

NEW_KEY = "accounts.new_api_key"


class PasswordChangeView(auth_views.PasswordChangeView):
    """With LOCAL_PASSWORDS=0 there is no password here to change: a page (404) says the
    provider manages it, for GET and POST alike."""

    template_name = "registration/password_change.html"
    success_url = reverse_lazy("home")

    def dispatch(self, request, *args, **kwargs):
        if not settings.LOCAL_PASSWORDS and request.user.is_authenticated:
            return render(request, "registration/password_managed.html",
                          {"sso_name": settings.OIDC_PROVIDER_NAME}, status=404)
        return super().dispatch(request, *args, **kwargs)

    def form_valid(self, form):
        response = super().form_valid(form)
        messages.success(self.request, "Password changed. Your other sessions are signed out.")
        return response


@require_http_methods(["GET", "POST"])
def profile(request):
    form = ApiTokenForm(request.POST or None, initial={"scope": ApiToken.Scope.READ})
    if request.method == "POST" and form.is_valid():
        token, key = ApiToken.issue(request.user, form.cleaned_data["name"],
                                    form.cleaned_data["scope"])
        request.session[NEW_KEY] = {"id": token.pk, "key": key}
        return redirect("accounts:profile")
    new_key = request.session.pop(NEW_KEY, None)
    return render(request, "accounts/profile.html", {
        "role": role_of(request.user), "form": form, "new_key": new_key,
        "local_passwords": settings.LOCAL_PASSWORDS,
        "tokens": ApiToken.objects.of(request.user),
    }, status=400 if form.errors else 200)


@require_POST
def revoke_token(request, pk):
    token = get_object_or_404(ApiToken.objects.of(request.user), pk=pk)
    token.delete()
    messages.success(request, f"Revoked the token “{token.name}”: it no longer works.")
    return redirect("accounts:profile")
