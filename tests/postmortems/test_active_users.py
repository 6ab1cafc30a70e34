"""The editor reads the active users once (people.active_users) for both the owner picker and
the names the blameless check looks for: each built from that read is what it builds reading
the users itself, and a name from the columns is the name from the user."""

import pytest

from postmortems import blameless
from postmortems.fields import user_choices
from postmortems.people import active_users, display_name, name_from

pytestmark = pytest.mark.django_db


@pytest.fixture
def users(django_user_model):
    return [
        django_user_model.objects.create(username="ada", first_name="Ada", last_name="Lovelace"),
        django_user_model.objects.create(username="grace", first_name="Grace"),
        django_user_model.objects.create(username="zed", last_name="Zimmer"),
        django_user_model.objects.create(username="nobody"),
        django_user_model.objects.create(username="gone", first_name="Gone", is_active=False),
    ]


def test_a_name_from_the_columns_is_the_users_display_name(users):
    for user in users:
        assert name_from(user.username, user.first_name, user.last_name) == display_name(user)


def test_the_owner_choices_from_the_read_rows_are_those_read_afresh(users,
                                                                   django_assert_num_queries):
    rows = active_users()
    with django_assert_num_queries(0):
        given = user_choices(users=rows)
    assert given == user_choices()
    assert ("", "— nobody yet —") in given
    assert (str(users[0].pk), "Ada Lovelace") in given
    assert (str(users[2].pk), "Zimmer") in given
    assert (str(users[3].pk), "nobody") in given
    assert str(users[4].pk) not in dict(given)  # deactivated


def test_the_blameless_names_from_the_read_rows_are_those_read_afresh(users,
                                                                     django_assert_num_queries):
    rows = active_users()
    with django_assert_num_queries(0):
        given = blameless.known_people(rows)
    assert sorted(given) == sorted(blameless.known_people())
    assert {"ada", "Ada", "grace", "Grace", "zed", "nobody"} <= set(given)
    assert "Gone" not in given and "gone" not in given
