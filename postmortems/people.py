"""How the site names a person: one rule for pages, pickers, history and exports."""

import functools

from django.contrib.auth import get_user_model

from postmortems.statements import Statement, run


def display_name(user):
    """The user's full name, or their username when they gave none."""
    return name_from(user.get_username(), user.first_name, user.last_name)


def name_from(username, first_name, last_name):
    """display_name from a user's columns (a row read as values, no model object)."""
    return f"{first_name} {last_name}".strip() or username


def active_users():
    """(pk, username, first_name, last_name) of every active user by username, in one query:
    what the user pickers (fields.user_choices) and the names the blameless check looks for
    (blameless.known_people) are made of, so a page showing both reads them once."""
    (users,) = run(active_users_statement())
    return users


@functools.lru_cache(maxsize=1)
def active_users_statement():
    """active_users as a statement (postmortems.statements), compiled once per process: a
    page can send it with its other reads."""
    return Statement.of(get_user_model().objects.filter(is_active=True).order_by("username")
                        .values_list("pk", "username", "first_name", "last_name"))
