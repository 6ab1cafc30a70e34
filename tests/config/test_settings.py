"""Settings come from the environment; a bad value stops start-up with a clear message."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from config.env import (
    env_bool,
    env_int,
    env_list,
    parse_database_url,
)

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize(("raw", "expected"), [("1", True), ("true", True), ("YES", True),
                                                ("on", True), ("0", False), ("false", False),
                                                ("no", False), ("", False)])
def test_env_bool_reads_common_spellings(raw, expected):
    assert env_bool("DEBUG", environ={"DEBUG": raw}) is expected


def test_env_bool_uses_the_default_when_unset():
    assert env_bool("DEBUG", True, environ={}) is True


def test_env_bool_rejects_a_typo_naming_the_variable():
    with pytest.raises(ImproperlyConfigured, match=r"DEBUG='ture' is not a boolean"):
        env_bool("DEBUG", environ={"DEBUG": "ture"})


def test_env_int_parses_and_checks_the_minimum():
    assert env_int("N", 5, environ={"N": "12"}) == 12
    assert env_int("N", 5, environ={}) == 5
    with pytest.raises(ImproperlyConfigured, match="N='twelve' is not a whole number"):
        env_int("N", 5, environ={"N": "twelve"})
    with pytest.raises(ImproperlyConfigured, match="at least 1"):
        env_int("N", 5, environ={"N": "0"}, minimum=1)


def test_env_list_splits_on_commas_and_drops_blanks():
    assert env_list("HOSTS", environ={"HOSTS": "a.example, b.example,,"}) == [
        "a.example", "b.example"]
    assert env_list("HOSTS", ["x"], environ={}) == ["x"]


def test_postgres_url_becomes_a_databases_entry():
    db = parse_database_url("postgres://app:s%40cret@db.internal:6543/pm?sslmode=require")
    assert db["ENGINE"] == "django.db.backends.postgresql"
    assert (db["NAME"], db["USER"], db["PASSWORD"]) == ("pm", "app", "s@cret")
    assert (db["HOST"], db["PORT"]) == ("db.internal", "6543")
    assert db["OPTIONS"] == {"sslmode": "require"}


def test_sqlite_url_is_relative_to_the_project_unless_absolute(tmp_path):
    assert parse_database_url("sqlite:///var/db.sqlite3", base_dir=tmp_path)["NAME"] == str(
        tmp_path / "var/db.sqlite3")
    assert parse_database_url("sqlite:////srv/pm.sqlite3", base_dir=tmp_path)["NAME"] == (
        "/srv/pm.sqlite3")


@pytest.mark.parametrize(("url", "message"), [
    ("mysql://x@h/db", "unknown scheme 'mysql'"),
    ("postgres://x@h/", "database name is missing"),
    ("postgres://x@h:port/db", "port is not a number"),
    ("sqlite://", "give a file"),
])
def test_bad_database_urls_say_what_is_wrong(url, message):
    with pytest.raises(ImproperlyConfigured, match=message):
        parse_database_url(url)


def load_settings(**env):
    """Import the settings module in a fresh interpreter with exactly these variables."""
    clean = {k: v for k, v in os.environ.items()
             if k not in {"DEBUG", "SECRET_KEY", "DATABASE_URL"}}
    return subprocess.run(
        [sys.executable, "-c",
         "import config.settings as s; print(s.DATABASES['default']['ENGINE'])"],
        cwd=ROOT, env={**clean, **env}, capture_output=True, text=True, timeout=60,
    )


def test_secret_key_is_required_when_debug_is_off():
    result = load_settings(DEBUG="0")
    assert result.returncode != 0
    assert "SECRET_KEY is required when DEBUG is off" in result.stderr


def test_debug_runs_with_no_server_on_sqlite():
    result = load_settings(DEBUG="1")
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "django.db.backends.sqlite3"


def test_a_bad_value_stops_start_up_with_its_name():
    result = load_settings(DEBUG="1", DATABASE_URL="oracle://x@y/z")
    assert result.returncode != 0
    assert "DATABASE_URL='oracle://x@y/z': unknown scheme 'oracle'" in result.stderr
