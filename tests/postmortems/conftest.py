import pytest

from tests.postmortems import factories


@pytest.fixture
def make():
    """The postmortems factories, as a fixture: make.incident(...), make.action_item(...)."""
    return factories
