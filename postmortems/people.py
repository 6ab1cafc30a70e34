"""How the site names a person: one rule for pages, pickers, history and exports."""


def display_name(user):
    """The user's full name, or their username when they gave none."""
    return user.get_full_name() or user.get_username()
