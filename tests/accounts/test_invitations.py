"""Inviting by e-mail from the users page: the user exists at once with the chosen role,
inactive until they open the one-time, expiring link and choose a password (the validators
apply); then they are signed in. With single sign-on only, the user is pre-created and the
first sign-in matches them on e-mail."""

import threading
from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.core import mail

from accounts.models import Invitation, SsoIdentity, UserEvent
from accounts.roles import role_of

pytestmark = pytest.mark.django_db
STRONG = "correct horse battery staple 42"


def invite(admin_client, email="kim@example.com", role="editor"):
    return admin_client.post("/accounts/users/invite/", {"email": email, "role": role})


def the_link():
    return next(line for line in mail.outbox[-1].body.splitlines()
                if "/accounts/invitation/" in line).strip()


def test_an_invitation_creates_an_inactive_user_with_the_role_and_mails_the_link(
        admin_client, admin):
    assert invite(admin_client).status_code == 302
    kim = get_user_model().objects.get(email="kim@example.com")
    assert kim.username == "kim@example.com" and not kim.is_active
    assert not kim.has_usable_password()
    assert role_of(kim) == "editor"
    assert mail.outbox[-1].to == ["kim@example.com"]
    link = the_link()
    assert link.startswith("http://testserver/accounts/invitation/")
    page = admin_client.get("/accounts/users/").content.decode()
    assert link in page and "Invited" in page  # shown once to the admin, to copy
    assert link not in admin_client.get("/accounts/users/").content.decode()
    event = UserEvent.objects.get(user=kim)
    assert (event.action, event.actor, event.detail) == ("invited", admin, "as editor")


def test_the_invitee_sets_a_password_and_is_signed_in(admin_client, client):
    invite(admin_client)
    link = the_link()
    page = client.get(link)
    assert page.status_code == 200 and "Choose a password for" in page.content.decode()
    response = client.post(link, {"new_password1": STRONG, "new_password2": STRONG})
    assert response.status_code == 302 and response["Location"] == "/"
    kim = get_user_model().objects.get(email="kim@example.com")
    assert kim.is_active and kim.check_password(STRONG)
    assert client.get("/").status_code == 200  # signed in
    assert Invitation.objects.get(user=kim).accepted_at is not None
    assert UserEvent.objects.filter(user=kim, action="accepted", actor=kim).exists()


def test_the_link_works_once(admin_client, client):
    invite(admin_client)
    link = the_link()
    client.post(link, {"new_password1": STRONG, "new_password2": STRONG})
    client.logout()
    response = client.post(link, {"new_password1": "another " + STRONG,
                                  "new_password2": "another " + STRONG})
    assert response.status_code == 400
    assert "already used or replaced" in response.content.decode()
    assert get_user_model().objects.get(email="kim@example.com").check_password(STRONG)


def test_a_weak_password_is_refused_by_the_validators(admin_client, client):
    invite(admin_client)
    response = client.post(the_link(), {"new_password1": "12345678",
                                        "new_password2": "12345678"})
    assert response.status_code == 400
    assert "This password is too common." in response.content.decode()
    assert not get_user_model().objects.get(email="kim@example.com").is_active


def test_the_link_expires(admin_client, client, settings, time_machine):
    invite(admin_client)
    link = the_link()
    time_machine.move_to(Invitation.objects.get().sent_at
                         + timedelta(days=settings.INVITE_DAYS, minutes=1))
    response = client.get(link)
    assert response.status_code == 404
    assert "This invitation link has expired" in response.content.decode()


@pytest.mark.parametrize("token", ["junk", "eyJ4IjoxfQ:1abc:def", "x" * 500])
def test_a_forged_or_cut_link_is_refused_with_a_message(client, token):
    response = client.get(f"/accounts/invitation/{token}/")
    assert response.status_code == 404
    assert "not a valid invitation link" in response.content.decode()


def test_a_new_link_replaces_the_old_one(admin_client, client):
    invite(admin_client)
    old = the_link()
    kim = get_user_model().objects.get(email="kim@example.com")
    assert admin_client.post(f"/accounts/users/{kim.pk}/new-link/").status_code == 302
    new = the_link()
    assert new != old
    assert client.get(old).status_code == 404
    assert client.get(new).status_code == 200


def test_withdrawing_an_invitation_kills_the_link(admin_client, client):
    invite(admin_client)
    link = the_link()
    kim = get_user_model().objects.get(email="kim@example.com")
    admin_client.post(f"/accounts/users/{kim.pk}/deactivate/")
    assert client.get(link).status_code == 404
    assert not Invitation.objects.filter(user=kim).exists()


def test_an_invitee_is_reactivated_only_through_a_new_link(admin_client):
    invite(admin_client)
    kim = get_user_model().objects.get(email="kim@example.com")
    response = admin_client.post(f"/accounts/users/{kim.pk}/reactivate/", follow=True)
    assert "has not accepted the invitation yet" in response.content.decode()
    assert not get_user_model().objects.get(pk=kim.pk).is_active


@pytest.mark.parametrize(("data", "message"), [
    ({"email": "not an address", "role": "editor"}, "Enter a valid email address."),
    ({"email": "kim@example.com", "role": "root"}, "Select a valid choice."),
    ({"email": "ERIN@example.com", "role": "viewer"}, "already has an account (erin)"),
])
def test_bad_input_is_refused_and_creates_nobody(admin_client, editor, data, message):
    before = get_user_model().objects.count()
    response = admin_client.post("/accounts/users/invite/", data)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert get_user_model().objects.count() == before
    assert not mail.outbox


def test_a_failing_mail_server_still_shows_the_link(admin_client, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", 1  # nothing listens there
    invite(admin_client)
    page = admin_client.get("/accounts/users/").content.decode()
    assert "The e-mail could not be sent" in page and "/accounts/invitation/" in page


def test_with_single_sign_on_only_the_invitee_is_pre_created_and_matched_by_e_mail(
        admin_client, settings):
    settings.LOCAL_PASSWORDS = False
    settings.OIDC_ROLE_MAP = {}
    invite(admin_client, "Lee@Example.com", role="viewer")
    lee = get_user_model().objects.get(email__iexact="lee@example.com")
    assert lee.is_active and not lee.has_usable_password()
    assert "/accounts/login/" in mail.outbox[-1].body
    assert "/accounts/invitation/" not in mail.outbox[-1].body
    user = SsoIdentity.sign_in("https://id.example.com", {
        "sub": "lee-1", "email": "lee@example.com", "preferred_username": "lee"})
    assert user == lee and role_of(user) == "viewer"
    assert Invitation.objects.get(user=lee).accepted_at is not None


def test_a_second_invitation_to_a_pending_e_mail_is_refused_in_any_case(admin_client):
    invite(admin_client, "kim@example.com")
    response = invite(admin_client, "KIM@Example.com", role="admin")
    assert response.status_code == 400
    assert "KIM@example.com is invited already (kim@example.com, " in \
        response.content.decode()
    assert "use “New link” beside them instead" in response.content.decode()
    assert get_user_model().objects.filter(email__iexact="kim@example.com").count() == 1
    assert len(mail.outbox) == 1


@pytest.mark.django_db(transaction=True)
def test_two_invitations_to_one_e_mail_at_once_make_one_user(admin):
    """The first invitation's transaction is still open when the second starts: the second
    waits for it, then finds the invitee and is refused."""
    from django.core.exceptions import ValidationError
    from django.db import connection, transaction

    first_done, commit, outcome = threading.Event(), threading.Event(), {}

    def first():
        try:
            with transaction.atomic():
                Invitation.invite(admin, "lee@example.com", "editor")
                first_done.set()
                commit.wait(10)
        finally:
            connection.close()

    def second():
        try:
            Invitation.invite(admin, "LEE@example.com", "viewer")
            outcome["second"] = "invited"
        except ValidationError as error:
            outcome["second"] = " ".join(error.messages)
        finally:
            connection.close()

    threads = [threading.Thread(target=first)]
    threads[0].start()
    assert first_done.wait(10)
    threads.append(threading.Thread(target=second))
    threads[1].start()
    threads[1].join(1)
    assert threads[1].is_alive()  # waiting for the first to finish
    commit.set()
    for thread in threads:
        thread.join(10)
    assert "is invited already" in outcome["second"]
    assert get_user_model().objects.filter(email__iexact="lee@example.com").count() == 1
