"""axe-core (static/vendor/axe-core/) is a test asset: the browser tests read it from the
repository, and collectstatic leaves it out, so the site never serves it."""

from django.core.management import call_command

from tests.browser import axe


def test_collectstatic_leaves_axe_core_out(settings, tmp_path):
    settings.STATIC_ROOT = tmp_path
    settings.STORAGES = {**settings.STORAGES, "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}
    call_command("collectstatic", "--noinput", verbosity=0)
    assert (tmp_path / "vendor" / "htmx" / "htmx.min.js").exists()
    assert not (tmp_path / "vendor" / "axe-core").exists()
    assert axe.AXE.exists()
    assert axe.AXE.read_text(encoding="utf-8").startswith("/*! axe v4.")
