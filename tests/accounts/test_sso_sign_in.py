"""Who a sign-in through the provider signs in (SsoIdentity.sign_in, given the provider's
verified claims): found by subject, else matched by e-mail, else created; the role from the
groups on every sign-in when OIDC_ROLE_MAP is set, refused when no group maps; without a map
the site's roles apply."""

import pytest
from django.contrib.auth import get_user_model

from accounts.models import SignInRefused, SsoIdentity, UserEvent
from accounts.roles import role_of, set_role

pytestmark = pytest.mark.django_db
ISSUER = "https://id.example.com"


@pytest.fixture(autouse=True)
def role_map(settings):
    settings.OIDC_ROLE_MAP = {"sre-admins": "admin", "sre": "editor", "staff": "viewer"}
    settings.OIDC_ROLE_CLAIM = "groups"
    settings.OIDC_PROVIDER_NAME = "Example IdP"


def claims(**extra):
    return {"sub": "u-1", "email": "sam@example.com", "preferred_username": "sam",
            "groups": ["sre"], **extra}


def fresh(user):
    return get_user_model().objects.get(pk=user.pk)


def test_the_first_sign_in_creates_the_user_with_the_role_of_the_groups():
    user = SsoIdentity.sign_in(ISSUER, claims(given_name="Sam", family_name="Lee"))
    assert (user.username, user.email, user.get_full_name()) == ("sam", "sam@example.com",
                                                                  "Sam Lee")
    assert not user.has_usable_password()
    assert role_of(fresh(user)) == "editor"
    assert [e.action for e in UserEvent.objects.filter(user=user)] == ["role", "sso_created"]


def test_later_sign_ins_find_the_user_by_subject_and_apply_the_new_groups():
    first = SsoIdentity.sign_in(ISSUER, claims())
    again = SsoIdentity.sign_in(ISSUER, claims(email="sam.lee@example.com",
                                               groups=["staff", "sre-admins"]))
    assert again == first and get_user_model().objects.count() == 1
    assert fresh(first).email == "sam.lee@example.com"
    assert role_of(fresh(first)) == "admin"
    event = UserEvent.objects.filter(user=first, action="role").first()
    assert event.actor is None and event.detail == "editor → admin (groups at Example IdP)"


def test_an_unchanged_role_records_nothing():
    user = SsoIdentity.sign_in(ISSUER, claims())
    count = UserEvent.objects.count()
    SsoIdentity.sign_in(ISSUER, claims())
    assert UserEvent.objects.count() == count and role_of(fresh(user)) == "editor"


def test_an_existing_local_user_is_matched_by_e_mail(editor):
    user = SsoIdentity.sign_in(ISSUER, claims(email="ERIN@example.com", groups=["staff"]))
    assert user == editor
    assert role_of(fresh(editor)) == "viewer"
    assert fresh(editor).check_password("erin-password")  # their password still works


def test_an_unverified_e_mail_is_not_matched(editor):
    user = SsoIdentity.sign_in(ISSUER, claims(email="erin@example.com", email_verified=False,
                                              preferred_username="erin"))
    assert user != editor and user.username == "erin-2"


def test_a_user_already_linked_to_another_subject_is_not_taken_over():
    first = SsoIdentity.sign_in(ISSUER, claims())
    other = SsoIdentity.sign_in(ISSUER, claims(sub="u-2"))
    assert other != first and other.username == "sam-2"


def test_a_user_in_no_mapped_group_is_refused_and_not_created():
    with pytest.raises(SignInRefused, match="in none of the groups that give a role here"):
        SsoIdentity.sign_in(ISSUER, claims(groups=["marketing"]))
    assert not get_user_model().objects.exists()


def test_a_deactivated_user_is_refused(editor):
    SsoIdentity.sign_in(ISSUER, claims(email="erin@example.com"))
    editor.is_active = False
    editor.save()
    with pytest.raises(SignInRefused, match="deactivated"):
        SsoIdentity.sign_in(ISSUER, claims(email="erin@example.com"))


def test_without_a_role_map_the_default_role_and_the_users_page_decide(settings):
    settings.OIDC_ROLE_MAP = {}
    settings.POSTMORTEMS_DEFAULT_ROLE = "viewer"
    user = SsoIdentity.sign_in(ISSUER, claims(groups=["sre-admins"]))
    assert role_of(fresh(user)) == "viewer"
    set_role(user, "editor")  # as an admin would on the users page
    SsoIdentity.sign_in(ISSUER, claims(groups=[]))
    assert role_of(fresh(user)) == "editor"


def test_a_superuser_stays_an_admin(django_user_model):
    root = django_user_model.objects.create_superuser("root", "root@example.com", "x")
    user = SsoIdentity.sign_in(ISSUER, claims(email="root@example.com", groups=["staff"]))
    assert user == root and role_of(fresh(root)) == "admin"


@pytest.mark.parametrize(("wanted", "username"), [
    ({"preferred_username": "sam lee!"}, "samlee"),
    ({"preferred_username": None}, "sam@example.com"),
    ({"preferred_username": None, "email": None}, "sso-u-1"),
])
def test_the_username_comes_from_preferred_username_or_e_mail(wanted, username):
    assert SsoIdentity.sign_in(ISSUER, claims(**wanted)).username == username


def test_no_subject_is_refused():
    with pytest.raises(SignInRefused, match="no subject"):
        SsoIdentity.sign_in(ISSUER, claims(sub=""))


def test_groups_that_would_demote_the_last_admin_leave_them_admin_and_say_why():
    admin = SsoIdentity.sign_in(ISSUER, claims(groups=["sre-admins"]))
    assert role_of(fresh(admin)) == "admin"
    user = SsoIdentity.sign_in(ISSUER, claims(groups=["staff"]))
    assert user == admin and role_of(fresh(admin)) == "admin"
    event = UserEvent.objects.filter(user=admin, action="role").first()
    assert event.actor is None
    assert event.detail == ("kept admin: the last active admin, though the groups at "
                            "Example IdP give viewer; give someone else the admin role first")

    # Once the groups make someone else an admin, the next sign-in demotes them.
    SsoIdentity.sign_in(ISSUER, claims(sub="u-2", email="kim@example.com",
                                       preferred_username="kim", groups=["sre-admins"]))
    SsoIdentity.sign_in(ISSUER, claims(groups=["staff"]))
    assert role_of(fresh(admin)) == "viewer"


def test_the_last_admin_in_no_mapped_group_still_signs_in_as_admin():
    admin = SsoIdentity.sign_in(ISSUER, claims(groups=["sre-admins"]))
    assert SsoIdentity.sign_in(ISSUER, claims(groups=["marketing"])) == admin
    assert role_of(fresh(admin)) == "admin"
    assert "give no role here" in UserEvent.objects.filter(user=admin).first().detail


def test_another_admin_in_no_mapped_group_is_refused_as_before(admin):
    SsoIdentity.sign_in(ISSUER, claims(groups=["sre-admins"]))
    with pytest.raises(SignInRefused, match="in none of the groups"):
        SsoIdentity.sign_in(ISSUER, claims(groups=["marketing"]))
