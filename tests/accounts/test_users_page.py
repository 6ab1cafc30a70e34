"""The users page (/accounts/users/): admins only; roles, deactivation and reactivation, the
last admin kept, every change recorded with who and when."""

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from accounts.models import ApiToken, UserEvent
from accounts.roles import role_of, set_role
from tests.routes import ADMIN_ONLY, users_page_url_names

pytestmark = pytest.mark.django_db


def fresh(user):
    return get_user_model().objects.get(pk=user.pk)


def signs_in(client):
    response = client.post("/accounts/login/", {"username": "erin", "password": "erin-password"})
    return response.status_code == 302


def test_every_changing_url_of_the_users_page_is_listed():
    assert users_page_url_names() == set(ADMIN_ONLY)


@pytest.mark.parametrize("role", ["viewer", "editor"])
@pytest.mark.parametrize("name", sorted(ADMIN_ONLY))
def test_viewers_and_editors_are_refused(client, request, world, name, role):
    client.force_login(request.getfixturevalue(role))
    args_of, data = ADMIN_ONLY[name]
    before = (get_user_model().objects.count(), UserEvent.objects.count())
    assert client.post(reverse(name, args=args_of(world)), data).status_code == 403
    assert (get_user_model().objects.count(), UserEvent.objects.count()) == before


@pytest.mark.parametrize("name", sorted(ADMIN_ONLY))
def test_admins_may(admin_client, world, name):
    args_of, data = ADMIN_ONLY[name]
    response = admin_client.post(reverse(name, args=args_of(world)), data)
    assert response.status_code != 403


@pytest.mark.parametrize("name", sorted(ADMIN_ONLY))
def test_get_changes_nothing(admin_client, world, name):
    args_of, _ = ADMIN_ONLY[name]
    assert admin_client.get(reverse(name, args=args_of(world))).status_code == 405


def test_the_page_is_for_admins_only(viewer_client, editor, client, admin):
    assert viewer_client.get("/accounts/users/").status_code == 403
    client.force_login(editor)
    assert client.get("/accounts/users/").status_code == 403
    client.force_login(admin)
    assert client.get("/accounts/users/").status_code == 200


def test_the_page_lists_role_last_sign_in_how_and_status(admin_client, viewer, editor, outsider,
                                                         settings):
    settings.POSTMORTEMS_DEFAULT_ROLE = "editor"
    outsider.is_active = False
    outsider.save()
    page = admin_client.get("/accounts/users/").content.decode()
    for name in ("ada", "erin", "victor", "oscar"):
        assert f'data-username="{name}"' in page
    victor = page.split('data-username="victor"')[1].split("</tr>")[0]
    assert '<option value="viewer" selected>' in victor
    assert "password" in victor and "Active" in victor and "never" in victor
    oscar = page.split('data-username="oscar"')[1].split("</tr>")[0]
    assert '<option value="editor" selected>' in oscar  # the default role
    assert "Deactivated" in oscar and "Reactivate" in oscar
    ada = page.split('data-username="ada"')[1].split("</tr>")[0]
    assert "never" not in ada  # signed in just now


def test_the_page_reads_the_same_number_of_queries_for_more_users(
        admin_client, django_user_model):
    def count():
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as queries:
            assert admin_client.get("/accounts/users/").status_code == 200
        return len(queries)

    few = count()
    for number in range(8):
        user = django_user_model.objects.create_user(f"user{number}", f"u{number}@example.com")
        set_role(user, ["viewer", "editor", "admin"][number % 3])
    assert count() == few


def test_the_page_shows_50_users_a_page_in_the_same_queries_for_20_or_120(
        admin_client, django_user_model, django_assert_num_queries):
    def add(start, stop):
        for number in range(start, stop):
            user = django_user_model.objects.create_user(f"user{number:03}",
                                                         f"u{number}@example.com")
            set_role(user, ["viewer", "editor", "admin"][number % 3])

    def rows(page=""):
        response = admin_client.get(f"/accounts/users/{page}")
        return response.content.decode().split('data-testid="user-row"')[1:]

    add(0, 19)  # and ada, the admin
    admin_client.get("/accounts/users/")
    # session, user, role, count, users, their groups, events (the session is not saved again)
    with django_assert_num_queries(7):
        assert len(rows()) == 20
    add(19, 119)
    with django_assert_num_queries(7):
        first = rows()
    assert len(first) == 50 and 'data-username="ada"' in first[0]
    assert "Page 1 of 3" in admin_client.get("/accounts/users/").content.decode()
    last = rows("?page=3")
    assert len(last) == 20 and 'data-username="user118"' in last[-1]


def test_an_admin_sets_a_role_and_it_is_recorded(admin_client, admin, viewer):
    response = admin_client.post(f"/accounts/users/{viewer.pk}/role/", {"role": "editor"})
    assert response.status_code == 302
    assert role_of(fresh(viewer)) == "editor"
    event = UserEvent.objects.get(user=viewer)
    assert (event.actor, event.action, event.detail) == (admin, "role", "viewer → editor")
    page = " ".join(admin_client.get("/accounts/users/").content.decode().split())
    assert "victor</strong>: role changed (viewer → editor) · by ada" in page


def test_an_unknown_role_is_refused_with_a_message(admin_client, viewer):
    response = admin_client.post(f"/accounts/users/{viewer.pk}/role/", {"role": "root"},
                                 follow=True)
    assert "Choose a role: viewer, editor or admin." in response.content.decode()
    assert role_of(fresh(viewer)) == "viewer"
    assert not UserEvent.objects.exists()


def test_an_unknown_user_is_a_404(admin_client):
    assert admin_client.post("/accounts/users/999999/role/", {"role": "viewer"}).status_code == 404


def test_the_last_admin_cannot_demote_themselves(admin_client, admin):
    response = admin_client.post(f"/accounts/users/{admin.pk}/role/", {"role": "editor"},
                                 follow=True)
    assert "ada is the last admin" in response.content.decode()
    assert role_of(fresh(admin)) == "admin"
    assert not UserEvent.objects.exists()


def test_the_last_admin_cannot_deactivate_themselves(admin_client, admin):
    response = admin_client.post(f"/accounts/users/{admin.pk}/deactivate/", follow=True)
    assert "ada is the last admin" in response.content.decode()
    assert fresh(admin).is_active


def test_with_a_second_admin_one_may_step_down(admin_client, admin, django_user_model):
    other = django_user_model.objects.create_user("grace")
    set_role(other, "admin")
    admin_client.post(f"/accounts/users/{admin.pk}/role/", {"role": "editor"})
    assert role_of(fresh(admin)) == "editor"


def test_a_deactivated_admin_does_not_count_as_the_other_admin(admin_client, admin,
                                                               django_user_model):
    other = django_user_model.objects.create_user("grace", is_active=False)
    set_role(other, "admin")
    admin_client.post(f"/accounts/users/{admin.pk}/deactivate/")
    assert fresh(admin).is_active


def test_a_deactivated_user_cannot_sign_in_nor_use_tokens_until_reactivated(
        admin_client, admin, editor, client):
    _, key = ApiToken.issue(editor, "deploy")
    admin_client.post(f"/accounts/users/{editor.pk}/deactivate/")
    assert not fresh(editor).is_active
    assert not signs_in(client)
    assert ApiToken.authenticate(key) is None
    admin_client.post(f"/accounts/users/{editor.pk}/reactivate/")
    assert signs_in(client)
    assert [(e.action, e.actor) for e in UserEvent.objects.filter(user=editor)] == [
        ("reactivated", admin), ("deactivated", admin)]


def test_the_django_admin_lists_the_account_changes_read_only(client, admin_client, viewer,
                                                              django_user_model):
    admin_client.post(f"/accounts/users/{viewer.pk}/role/", {"role": "editor"})
    root = django_user_model.objects.create_superuser("root", "root@example.com", "x")
    client.force_login(root)
    page = client.get("/admin/accounts/userevent/")
    assert page.status_code == 200 and "viewer → editor" in page.content.decode()
    assert client.get("/admin/accounts/userevent/add/").status_code == 403
    assert client.get("/admin/accounts/ssoidentity/").status_code == 200
