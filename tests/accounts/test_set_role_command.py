"""manage.py set_role gives a user a role, which the permission checks then use."""

import pytest
from django.core.management import CommandError, call_command

from accounts.roles import role_of

pytestmark = pytest.mark.django_db


def test_a_role_is_given_and_replaces_the_previous_one(outsider, django_user_model, capsys):
    user = outsider
    call_command("set_role", "oscar", "viewer")
    call_command("set_role", "oscar", "admin")
    assert list(user.groups.values_list("name", flat=True)) == ["admin"]
    assert role_of(django_user_model.objects.get(pk=user.pk)) == "admin"
    assert "oscar now has admin." in capsys.readouterr().out


def test_default_removes_the_role_groups(outsider, django_user_model, settings):
    settings.POSTMORTEMS_DEFAULT_ROLE = "viewer"
    user = outsider
    call_command("set_role", "oscar", "editor")
    call_command("set_role", "oscar", "default")
    assert not user.groups.exists()
    assert role_of(django_user_model.objects.get(pk=user.pk)) == "viewer"


def test_an_unknown_user_is_a_clear_error():
    with pytest.raises(CommandError, match="No user named 'nobody'"):
        call_command("set_role", "nobody", "viewer")
