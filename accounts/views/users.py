"""The users page (admins only): every user (50 a page, by username) with role, last
sign-in, how they sign in and whether they are active; set roles, deactivate and reactivate,
invite by e-mail. The rules (the last admin, invitations) are in accounts/models/users.py;
every change is recorded."""

import logging
import smtplib

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from accounts import sso
from accounts.forms import InviteForm, RoleForm
from accounts.models import Invitation, UserEvent
from accounts.models.users import change_role, deactivate, reactivate
from accounts.roles import ADMIN, ROLES, default_role, highest, require_role

log = logging.getLogger(__name__)
NEW_LINK = "accounts.new_invitation_link"
EVENTS_SHOWN = 30
USERS_PER_PAGE = 50


def users_page(request, invite_form=None, status=200):
    page = Paginator(get_user_model().objects.order_by("username", "pk")
                     .select_related("sso_identity", "invitation").prefetch_related("groups"),
                     USERS_PER_PAGE).get_page(request.GET.get("page"))
    for user in page:
        user.role = (ADMIN if user.is_superuser
                     else highest(group.name for group in user.groups.all()) or default_role())
        invitation = getattr(user, "invitation", None)
        user.pending_invitation = invitation if invitation and invitation.pending else None
        user.signs_in_with = ("single sign-on" if hasattr(user, "sso_identity")
                              else "password" if user.has_usable_password() else "—")
    return render(request, "accounts/users.html", {
        "page": page, "roles": ROLES, "invite_form": invite_form or InviteForm(),
        "new_link": request.session.pop(NEW_LINK, None),
        "events": UserEvent.objects.select_related("actor", "user")[:EVENTS_SHOWN],
        "sso_enabled": sso.enabled(), "sso_name": settings.OIDC_PROVIDER_NAME,
        "local_passwords": settings.LOCAL_PASSWORDS, "invite_days": settings.INVITE_DAYS,
        "roles_from_groups": sso.enabled() and bool(settings.OIDC_ROLE_MAP),
    }, status=status)


@require_GET
def users(request):
    require_role(request.user, ADMIN)
    return users_page(request)


def _user(request, pk):
    require_role(request.user, ADMIN)
    return get_object_or_404(get_user_model(), pk=pk)


def _refused(request, error):
    messages.error(request, " ".join(error.messages))
    return redirect("accounts:users")


@require_POST
def set_role(request, pk):
    user = _user(request, pk)
    form = RoleForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Choose a role: viewer, editor or admin.")
        return redirect("accounts:users")
    try:
        change_role(request.user, user, form.cleaned_data["role"])
    except ValidationError as error:
        return _refused(request, error)
    messages.success(request, f"{user.get_username()} is now {form.cleaned_data['role']}.")
    return redirect("accounts:users")


@require_POST
def deactivate_user(request, pk):
    user = _user(request, pk)
    try:
        deactivate(request.user, user)
    except ValidationError as error:
        return _refused(request, error)
    messages.success(request, f"{user.get_username()} is deactivated: they can no longer sign "
                              "in, nor use their API tokens.")
    return redirect("accounts:users")


@require_POST
def reactivate_user(request, pk):
    user = _user(request, pk)
    try:
        reactivate(request.user, user)
    except ValidationError as error:
        return _refused(request, error)
    messages.success(request, f"{user.get_username()} is active again.")
    return redirect("accounts:users")


@require_POST
def invite(request):
    require_role(request.user, ADMIN)
    form = InviteForm(request.POST)
    if form.is_valid():
        try:
            invitation = Invitation.invite(request.user, form.cleaned_data["email"],
                                           form.cleaned_data["role"])
        except ValidationError as error:
            for field, errors in error.message_dict.items():
                form.add_error(field, errors)
        else:
            _send(request, invitation)
            return redirect("accounts:users")
    return users_page(request, invite_form=form, status=400)


@require_POST
def reinvite(request, pk):
    require_role(request.user, ADMIN)
    invitation = get_object_or_404(Invitation.objects.select_related("user"), user_id=pk,
                                   accepted_at=None)
    invitation.renew(request.user)
    _send(request, invitation)
    return redirect("accounts:users")


def _send(request, invitation):
    """E-mail the invitation; the admin sees the link once too (to copy into a chat)."""
    user = invitation.user
    if settings.LOCAL_PASSWORDS:
        link = request.build_absolute_uri(reverse("accounts:invitation",
                                                  args=[invitation.token()]))
    else:
        link = request.build_absolute_uri(reverse("login"))
    body = render_to_string("accounts/invitation_email.txt", {
        "link": link, "invitation": invitation, "site_name": settings.SITE_NAME,
        "local_passwords": settings.LOCAL_PASSWORDS, "sso_name": settings.OIDC_PROVIDER_NAME,
        "days": settings.INVITE_DAYS})
    try:
        send_mail(f"You are invited to {settings.SITE_NAME}", body, None, [user.email])
        sent = True
    except (smtplib.SMTPException, OSError) as exc:
        log.warning("the invitation e-mail to %s failed: %s", user.email, exc)
        sent = False
    request.session[NEW_LINK] = {"email": user.email, "link": link, "sent": sent,
                                 "password": settings.LOCAL_PASSWORDS}
