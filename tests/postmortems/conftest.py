import pytest

from tests.postmortems import factories


@pytest.fixture
def make():
    """The postmortems factories, as a fixture: make.incident(...), make.action_item(...)."""
    return factories


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    """The personas' passwords are hashed on creation; a fast hasher keeps these tests quick
    (the login flow itself is tested with the real hasher in tests/browser/test_login.py)."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
