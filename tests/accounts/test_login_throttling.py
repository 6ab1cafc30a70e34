"""The login wall under attack (issue 10, finding 2): wrong passwords lock the account out for a
while (the right one included), weak passwords are refused, and changing a password ends the
user's other sessions."""

import pytest
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError

pytestmark = pytest.mark.django_db

LOGIN = "/accounts/login/"


def log_in(client, password, username="erin", address="203.0.113.7"):
    return client.post(LOGIN, {"username": username, "password": password},
                       REMOTE_ADDR=address)


def test_five_wrong_passwords_lock_out_even_the_right_one(client, editor):
    for _ in range(4):
        assert log_in(client, "wrong").status_code == 200  # the form again, with its error
    locked = log_in(client, "wrong")
    assert locked.status_code == 429
    assert "Too many failed logins" in locked.content.decode()
    response = log_in(client, "erin-password")
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session


def test_a_hundred_wrong_passwords_are_not_all_answered(client, editor):
    statuses = [log_in(client, f"guess-{n}").status_code for n in range(100)]
    assert statuses.count(429) >= 95


def test_a_forged_forwarded_for_header_does_not_dodge_the_lock(client, editor):
    for n in range(6):
        client.post(LOGIN, {"username": "erin", "password": "wrong"},
                    REMOTE_ADDR="203.0.113.7", HTTP_X_FORWARDED_FOR=f"198.51.100.{n}")
    assert log_in(client, "erin-password").status_code == 429


def test_the_lock_is_per_address_and_a_success_resets_the_count(client, editor):
    for _ in range(4):
        log_in(client, "wrong")
    assert log_in(client, "erin-password").status_code == 302
    client.logout()
    for _ in range(4):
        log_in(client, "wrong")
    assert log_in(client, "erin-password").status_code == 302  # the count started again
    for _ in range(5):
        log_in(client, "wrong", address="198.51.100.1")
    client.logout()
    assert log_in(client, "erin-password").status_code == 302  # another address: not locked


def test_the_lock_ends_after_the_cool_off(client, editor):
    from axes.models import AccessAttempt
    from django.utils import timezone

    for _ in range(5):
        log_in(client, "wrong")
    AccessAttempt.objects.update(attempt_time=timezone.now() - timezone.timedelta(minutes=16))
    assert log_in(client, "erin-password").status_code == 302


@pytest.mark.parametrize("password", ["password", "12345678", "qwerty123", "erin@example"])
def test_weak_passwords_are_refused(editor, password):
    with pytest.raises(ValidationError):
        validate_password(password, user=editor)


def test_a_long_unusual_password_is_accepted(editor):
    validate_password("correct horse battery staple", user=editor)


def test_changing_the_password_ends_the_other_sessions(client, editor, django_user_model):
    from django.test import Client

    other = Client()
    other.force_login(editor)
    assert other.get("/").status_code == 200
    client.force_login(editor)
    response = client.post("/accounts/password/", {
        "old_password": "erin-password", "new_password1": "a new long passphrase 42",
        "new_password2": "a new long passphrase 42"})
    assert response.status_code == 302
    assert client.get("/").status_code == 200          # this browser stays signed in
    assert other.get("/").status_code == 302           # the other one is signed out


def test_the_password_page_refuses_a_weak_password(editor_client):
    response = editor_client.post("/accounts/password/", {
        "old_password": "erin-password", "new_password1": "12345678",
        "new_password2": "12345678"})
    assert response.status_code == 200
    assert "This password is too common" in response.content.decode()


def test_a_sign_in_through_the_provider_is_not_a_password_guess(rf):
    from accounts.sso import is_provider_sign_in

    request = rf.get("/accounts/sso/callback/")
    assert is_provider_sign_in(request, {"nonce": "n", "code_verifier": "v"})
    assert not is_provider_sign_in(request, {"username": "erin", "password": "x"})
    assert not is_provider_sign_in(request, {"username": "erin", "password": "x", "nonce": "n"})
    assert not is_provider_sign_in(request, None)
