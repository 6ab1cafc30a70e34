"""Single sign-on settings come from the environment (a bad value stops start-up, naming it),
and the provider's groups map to roles: the highest matching role wins."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from accounts.roles import role_from_claims
from config.env import env_role_map

ROOT = Path(__file__).resolve().parents[2]
MAP = {"sre-admins": "admin", "sre": "editor", "staff": "viewer"}


def test_the_role_map_is_read_from_group_equals_role_pairs():
    assert env_role_map("OIDC_ROLE_MAP", environ={
        "OIDC_ROLE_MAP": " sre-admins=admin, sre=editor,staff=viewer,"}) == MAP
    assert env_role_map("OIDC_ROLE_MAP", environ={}) == {}


def test_a_group_name_may_contain_an_equals_sign():
    assert env_role_map("M", environ={"M": "cn=sre=editor"}) == {"cn=sre": "editor"}


@pytest.mark.parametrize("raw", ["sre", "sre=owner", "=admin", "sre-admins=Admin"])
def test_a_bad_role_map_names_the_variable_and_the_item(raw):
    with pytest.raises(ImproperlyConfigured, match=r"OIDC_ROLE_MAP=.*is not group=role"):
        env_role_map("OIDC_ROLE_MAP", environ={"OIDC_ROLE_MAP": raw})


@pytest.mark.parametrize(("groups", "role"), [
    (["staff", "sre-admins", "sre"], "admin"),
    (["staff", "sre"], "editor"),
    (["staff"], "viewer"),
    (["marketing"], None),
    ([], None),
    ("sre", "editor"),  # one group as a string
    (None, None),
    ([1, {"x": 1}, "staff"], "viewer"),  # junk beside a group is ignored
])
def test_the_highest_mapped_group_gives_the_role(groups, role):
    assert role_from_claims({"groups": groups}, "groups", MAP) == role


def test_a_dotted_claim_reads_nested_roles():
    claims = {"realm_access": {"roles": ["sre"]}}
    assert role_from_claims(claims, "realm_access.roles", MAP) == "editor"
    assert role_from_claims({"realm_access": "sre"}, "realm_access.roles", MAP) is None
    assert role_from_claims({}, "groups", MAP) is None


def load_settings(**env):
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("OIDC_", "LOCAL_"))}
    return subprocess.run(
        [sys.executable, "-c", "import config.settings as s; print(s.AUTHENTICATION_BACKENDS)"],
        cwd=ROOT, env={**clean, **env}, capture_output=True, text=True, timeout=60)


def test_without_oidc_settings_nothing_changes():
    result = load_settings()
    assert result.returncode == 0, result.stderr
    assert "SsoBackend" not in result.stdout and "ModelBackend" in result.stdout


def test_oidc_settings_add_the_backend_and_local_passwords_can_be_turned_off():
    sso = {"OIDC_DISCOVERY_URL": "https://id.example.com/.well-known/openid-configuration",
           "OIDC_CLIENT_ID": "postmortems", "OIDC_CLIENT_SECRET": "s"}
    result = load_settings(**sso)
    assert result.returncode == 0, result.stderr
    assert "accounts.sso.SsoBackend" in result.stdout and "ModelBackend" in result.stdout
    result = load_settings(**sso, LOCAL_PASSWORDS="0")
    assert result.returncode == 0, result.stderr
    assert "SsoBackend" in result.stdout and "ModelBackend" not in result.stdout


@pytest.mark.parametrize(("env", "message"), [
    ({"OIDC_DISCOVERY_URL": "https://id.example.com/x", "OIDC_CLIENT_ID": "c"},
     "OIDC_CLIENT_SECRET is required with OIDC_DISCOVERY_URL"),
    ({"OIDC_DISCOVERY_URL": "id.example.com", "OIDC_CLIENT_ID": "c", "OIDC_CLIENT_SECRET": "s"},
     "OIDC_DISCOVERY_URL='id.example.com' is not an http(s) URL"),
    ({"LOCAL_PASSWORDS": "0"}, "LOCAL_PASSWORDS=0 needs single sign-on"),
    ({"LOCAL_PASSWORDS": "nope"}, "LOCAL_PASSWORDS='nope' is not a boolean"),
    ({"OIDC_ROLE_MAP": "sre=root"}, "OIDC_ROLE_MAP='sre=root': 'sre=root' is not group=role"),
    ({"INVITE_DAYS": "0"}, "INVITE_DAYS=0 is too small"),
])
def test_a_bad_value_stops_start_up_naming_it(env, message):
    result = load_settings(**env)
    assert result.returncode != 0
    assert message in result.stderr
