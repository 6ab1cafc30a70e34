"""The invitation link: the invitee chooses a password (the site's validators apply) and is
signed in. The link works once, until it expires or a newer one replaces it."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_not_required
from django.contrib.auth.forms import SetPasswordForm
from django.db import transaction
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from accounts.models import Invitation, InvitationInvalid


@login_not_required
@require_http_methods(["GET", "POST"])
def accept(request, token):
    if not settings.LOCAL_PASSWORDS:
        raise Http404("Passwords are turned off: invitations are accepted by signing in.")
    with transaction.atomic():
        try:
            invitation = Invitation.from_token(token, lock=request.method == "POST")
        except InvitationInvalid as error:
            return render(request, "accounts/invitation.html", {"error": str(error)},
                          status=404 if request.method == "GET" else 400)
        form = SetPasswordForm(invitation.user, request.POST or None)
        if request.method == "POST" and form.is_valid():
            invitation.accept(form.cleaned_data["new_password1"])
            login(request, invitation.user,
                  backend="django.contrib.auth.backends.ModelBackend")
            messages.success(request, f"Welcome, {invitation.user.get_username()}: your "
                                      "password is set and you are signed in.")
            return redirect("home")
    return render(request, "accounts/invitation.html", {"form": form, "invitation": invitation},
                  status=400 if form.errors else 200)
