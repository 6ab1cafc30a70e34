"""Who may sign in, and with which role: the users page's rules and single sign-on's.

- Every change an admin makes to a user (role, deactivation, invitation) and every role a
  sign-in provider's groups give is recorded as a UserEvent: who, when, what.
- The site always keeps an active admin: nobody can take the admin role from, or deactivate,
  the last one (themselves, since only an admin may).
- An invitation creates the user at once, with the chosen role; one per e-mail (any case),
  refused when a user or a pending invitation has it, two at once included. With local
  passwords it is an inactive user until they open the link (signed, for INVITE_DAYS days,
  dead once used or replaced by a newer link) and set a password; with single sign-on only,
  an active user without a password whom the first sign-in matches by e-mail.
- Single sign-on finds the user by the provider's subject, else by e-mail (a user not yet
  signed in through it), else creates one; with OIDC_ROLE_MAP the groups set the role on every
  sign-in and a user in none of the mapped groups is refused, except the last active admin:
  the same rule as the users page keeps their admin role (and lets them in), recorded as a
  UserEvent saying why, until the groups give someone else the admin role.
"""

import re
from datetime import timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core import signing
from django.core.exceptions import ValidationError
from django.db import connection, models, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.crypto import constant_time_compare, salted_hmac

from accounts.roles import ADMIN, ROLES, default_role, role_from_claims, role_of, set_role


class SignInRefused(Exception):
    """A sign-in the provider allowed but this site refuses; the message says why."""


class InvitationInvalid(Exception):
    """An invitation link that is expired, used, replaced or not one of ours."""


class UserEvent(models.Model):
    class Action(models.TextChoices):
        ROLE = "role", "Role changed"
        DEACTIVATED = "deactivated", "Deactivated"
        REACTIVATED = "reactivated", "Reactivated"
        INVITED = "invited", "Invited"
        ACCEPTED = "accepted", "Accepted the invitation"
        SSO_CREATED = "sso_created", "First single sign-on"

    at = models.DateTimeField(default=timezone.now)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True,
                              blank=True, related_name="+",
                              help_text="Who did it; empty: the sign-in provider")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                             related_name="account_events")
    action = models.CharField(max_length=20, choices=Action)
    detail = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["-at", "-pk"]

    def __str__(self):
        return f"{self.at:%Y-%m-%d %H:%M} {self.get_action_display()} {self.user}"

    @classmethod
    def record(cls, actor, user, action, detail=""):
        return cls.objects.create(actor=actor, user=user, action=action, detail=detail[:300])


def active_admins():
    """Active users whose role is admin (superusers, the admin group, and users in no role group
    when the default role is admin)."""
    is_admin = Q(is_superuser=True) | Q(groups__name=ADMIN)
    if default_role() == ADMIN:
        is_admin |= ~Q(groups__name__in=ROLES)
    return get_user_model().objects.filter(is_active=True).filter(is_admin).distinct()


def is_last_admin(user):
    """Is ``user`` the only active admin (the one the site must keep)?"""
    return user.is_active and role_of(user) == ADMIN and not active_admins().exclude(
        pk=user.pk).exists()


def _keep_an_admin(user, doing):
    if is_last_admin(user):
        raise ValidationError(f"{user.get_username()} is the last admin: give someone else the "
                              f"admin role before {doing}.")


def change_role(actor, user, role):
    """Give ``user`` the role (viewer, editor or admin), recorded as done by ``actor``."""
    if role not in ROLES:
        raise ValidationError(f"Choose a role: {', '.join(ROLES)}.")
    before = role_of(user)
    if role != ADMIN:
        _keep_an_admin(user, "taking it from them")
    if user.is_superuser and role != ADMIN:
        raise ValidationError(f"{user.get_username()} is a superuser, an admin whatever the "
                              "group: change that with manage.py or the Django admin.")
    set_role(user, role)
    UserEvent.record(actor, user, UserEvent.Action.ROLE, f"{before} → {role}")


def deactivate(actor, user):
    """``user`` can no longer sign in (password, single sign-on or API token)."""
    pending = Invitation.objects.filter(user=user, accepted_at=None)
    if not user.is_active and not pending.exists():
        return
    _keep_an_admin(user, "deactivating them")
    withdrawn = pending.delete()[0]
    user.is_active = False
    user.save(update_fields=["is_active"])
    UserEvent.record(actor, user, UserEvent.Action.DEACTIVATED,
                     "invitation withdrawn" if withdrawn else "")


def reactivate(actor, user):
    if user.is_active:
        return
    if Invitation.objects.filter(user=user, accepted_at=None).exists():
        raise ValidationError(f"{user.get_username()} has not accepted the invitation yet: "
                              "send a new link instead.")
    user.is_active = True
    user.save(update_fields=["is_active"])
    UserEvent.record(actor, user, UserEvent.Action.REACTIVATED)


USERNAME_JUNK = re.compile(r"[^\w.@+-]")


def free_username(wanted):
    """``wanted`` made a valid, unused username (erin, erin-2, …)."""
    User = get_user_model()
    base = USERNAME_JUNK.sub("", wanted or "")[:140] or "user"
    name, number = base, 1
    while User.objects.filter(username__iexact=name).exists():
        number += 1
        name = f"{base}-{number}"
    return name


def _lock_email(email):
    """Until the transaction ends, no other invitation to ``email`` (in any case) runs: two at
    once would each find nobody with it and both create a user. (A database constraint cannot
    say it: single sign-on may create a second user with an e-mail already taken.)"""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(hashtext(%s))",
                           ["accounts.invitation:" + email.lower()])


class Invitation(models.Model):
    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                                related_name="invitation")
    invited_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL,
                                   null=True, blank=True, related_name="+")
    sent_at = models.DateTimeField(default=timezone.now)
    accepted_at = models.DateTimeField(null=True, blank=True)

    SALT = "accounts.invitation"

    def __str__(self):
        return f"Invitation of {self.user}"

    @property
    def expires_at(self):
        return self.sent_at + timedelta(days=settings.INVITE_DAYS)

    @property
    def pending(self):
        return self.accepted_at is None

    @classmethod
    @transaction.atomic
    def invite(cls, actor, email, role):
        """Create the user ``email`` with ``role``; returns the invitation. With local
        passwords the user is inactive until the link is opened; with single sign-on only they
        are active and sign in through the provider."""
        User = get_user_model()
        email = User.objects.normalize_email(email.strip())
        _lock_email(email)
        existing = User.objects.filter(email__iexact=email).select_related("invitation") \
            .first()
        pending = getattr(existing, "invitation", None)
        if pending is not None and pending.pending:
            raise ValidationError({"email": (
                f"{email} is invited already ({existing.get_username()}, "
                f"{pending.sent_at:%Y-%m-%d %H:%M}): use “New link” beside them instead.")})
        if existing is not None:
            raise ValidationError({"email": f"{email} already has an account "
                                            f"({existing.get_username()})."})
        if role not in ROLES:
            raise ValidationError({"role": f"Choose a role: {', '.join(ROLES)}."})
        user = User(username=free_username(email), email=email,
                    is_active=not settings.LOCAL_PASSWORDS)
        user.set_unusable_password()
        user.save()
        set_role(user, role)
        invitation = cls.objects.create(user=user, invited_by=actor)
        UserEvent.record(actor, user, UserEvent.Action.INVITED, f"as {role}")
        return invitation

    def renew(self, actor):
        """A new link: the previous one stops working."""
        self.sent_at = timezone.now()
        self.invited_by = actor
        self.save(update_fields=["sent_at", "invited_by"])
        UserEvent.record(actor, self.user, UserEvent.Action.INVITED, "new link")

    def _link_state(self):
        """Changes when the link is used (a password is set) or replaced (sent again)."""
        return salted_hmac(self.SALT, f"{self.user.password}|{self.sent_at.isoformat()}"
                           ).hexdigest()[:24]

    def token(self):
        return signing.dumps([self.user_id, self._link_state()], salt=self.SALT)

    @classmethod
    def from_token(cls, token, lock=False):
        """The pending invitation a link is for (locked till the end of the transaction with
        ``lock``, so two tabs cannot both use it); raises InvitationInvalid saying why."""
        try:
            user_id, state = signing.loads(token, salt=cls.SALT,
                                           max_age=timedelta(days=settings.INVITE_DAYS))
        except signing.SignatureExpired:
            raise InvitationInvalid("This invitation link has expired: ask an admin to send "
                                    "a new one.") from None
        except (signing.BadSignature, ValueError, TypeError):
            raise InvitationInvalid("This is not a valid invitation link: check that it was "
                                    "copied whole.") from None
        invitations = cls.objects.select_related("user").filter(user_id=user_id)
        if lock:
            invitations = invitations.select_for_update()
        invitation = invitations.first()
        if (invitation is None or not invitation.pending
                or not constant_time_compare(invitation._link_state(), str(state))):
            raise InvitationInvalid("This invitation link was already used or replaced by a "
                                    "newer one: sign in, or ask an admin for a new link.")
        return invitation

    @transaction.atomic
    def accept(self, password=None):
        """The invitee signs in for the first time (with a new password, or through the
        sign-in provider)."""
        user = self.user
        if password is not None:
            user.set_password(password)
        user.is_active = True
        user.save()
        self.accepted_at = timezone.now()
        self.save(update_fields=["accepted_at"])
        UserEvent.record(user, user, UserEvent.Action.ACCEPTED)


class SsoIdentity(models.Model):
    """A user's account at the sign-in provider: issuer and subject, never reassigned."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                                related_name="sso_identity")
    issuer = models.CharField(max_length=300)
    subject = models.CharField(max_length=255)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = "single sign-on identity"
        verbose_name_plural = "single sign-on identities"
        constraints = [models.UniqueConstraint(fields=["issuer", "subject"],
                                               name="accounts_sso_identity_unique_subject")]

    def __str__(self):
        return f"{self.user} at {self.issuer}"

    @classmethod
    @transaction.atomic
    def sign_in(cls, issuer, claims):
        """The user the provider's ``claims`` sign in (found, matched or created), with the
        role their groups give; raises SignInRefused with the reason."""
        subject = str(claims.get("sub") or "")
        if not subject:
            raise SignInRefused("The sign-in provider sent no subject (sub) claim.")
        role = refusal = None
        if settings.OIDC_ROLE_MAP:
            role = role_from_claims(claims, settings.OIDC_ROLE_CLAIM, settings.OIDC_ROLE_MAP)
            if role is None:
                refusal = SignInRefused(
                    f"Your account at {settings.OIDC_PROVIDER_NAME} is in none of the groups "
                    f"that give a role here ({', '.join(settings.OIDC_ROLE_MAP)}): ask an "
                    "admin of this site.")
        identity = (cls.objects.select_for_update().select_related("user")
                    .filter(issuer=issuer, subject=subject).first())
        user = identity.user if identity else cls._match_or_create(issuer, subject, claims)
        invitation = Invitation.objects.filter(user=user, accepted_at=None).first()
        if invitation is not None:
            invitation.accept()  # the provider vouched for the invited e-mail
        elif not user.is_active:
            raise SignInRefused("Your account here is deactivated: ask an admin to "
                                "reactivate it.")
        if settings.OIDC_ROLE_MAP and role != ADMIN and not user.is_superuser and \
                is_last_admin(user):
            UserEvent.record(None, user, UserEvent.Action.ROLE, (
                f"kept {ADMIN}: the last active admin, though the groups at "
                f"{settings.OIDC_PROVIDER_NAME} give {role or 'no role here'}; give someone "
                "else the admin role first"))
            role = refusal = None
        if refusal is not None:
            raise refusal  # the transaction drops a user created for this sign-in
        cls._update_profile(user, claims)
        if role is not None and not user.is_superuser and set(
                user.groups.filter(name__in=ROLES).values_list("name", flat=True)) != {role}:
            before = role_of(user)
            set_role(user, role)
            UserEvent.record(None, user, UserEvent.Action.ROLE,
                             f"{before} → {role} (groups at {settings.OIDC_PROVIDER_NAME})")
        return user

    @classmethod
    def _match_or_create(cls, issuer, subject, claims):
        User = get_user_model()
        email = (claims.get("email") or "").strip()
        user = None
        if email and claims.get("email_verified") is not False:
            matches = list(User.objects.select_for_update(of=("self",))
                           .filter(email__iexact=email, sso_identity=None)[:2])
            if len(matches) > 1:
                raise SignInRefused(f"Two accounts here have the e-mail {email}: ask an admin "
                                    "to change one of them.")
            user = matches[0] if matches else None
        created = user is None
        if created:
            wanted = claims.get("preferred_username") or email or f"sso-{subject}"
            user = User(username=free_username(wanted), email=email)
            user.set_unusable_password()
            user.save()
        cls.objects.create(user=user, issuer=issuer, subject=subject)
        if created:
            UserEvent.record(None, user, UserEvent.Action.SSO_CREATED,
                             f"at {settings.OIDC_PROVIDER_NAME}")
        return user

    @staticmethod
    def _update_profile(user, claims):
        fields = {"email": claims.get("email"), "first_name": claims.get("given_name"),
                  "last_name": claims.get("family_name")}
        changed = [name for name, value in fields.items()
                   if isinstance(value, str) and value and getattr(user, name) != value[:150]]
        for name in changed:
            setattr(user, name, fields[name][:150])
        if changed:
            user.save(update_fields=changed)


__all__ = ["Invitation", "InvitationInvalid", "SignInRefused", "SsoIdentity", "UserEvent",
           "active_admins", "change_role", "deactivate", "free_username", "is_last_admin",
           "reactivate"]
