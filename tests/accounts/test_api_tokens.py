"""API tokens: hashed, scoped, shown once; `api_token` prints one on its last line
(`slo_api_token` is its old name); the tokens issued before scopes existed keep working."""

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from accounts.models import ApiToken, key_digest

pytestmark = pytest.mark.django_db


def test_only_a_hash_is_stored_and_the_last_use_is_recorded(editor):
    token, key = ApiToken.issue(editor, "deploys", "write")
    assert key.startswith("pm_") and key not in token.key_digest
    assert token.last_used_at is None
    assert ApiToken.find(key) == token
    token.refresh_from_db()
    assert token.last_used_at is not None and token.can_write


def test_a_deactivated_user_has_no_working_token(editor):
    _, key = ApiToken.issue(editor, "deploys")
    editor.is_active = False
    editor.save()
    assert ApiToken.authenticate(key) is None


@pytest.mark.parametrize("command", ["api_token", "slo_api_token"])
def test_the_command_prints_a_working_key_on_its_last_line(editor, capsys, command):
    call_command(command, editor.username, "--name", "ci", "--scope", "write")
    key = capsys.readouterr().out.strip().splitlines()[-1]
    token = ApiToken.find(key)
    assert token.user == editor and token.name == "ci" and token.scope == "write"


def test_the_command_refuses_an_unknown_user_or_scope(editor):
    with pytest.raises(CommandError, match="no user 'nobody'"):
        call_command("api_token", "nobody")
    with pytest.raises(CommandError):
        call_command("api_token", editor.username, "--scope", "admin")


@pytest.mark.django_db(transaction=True)
def test_tokens_issued_for_the_slo_api_survive_the_move_to_accounts(django_user_model):
    user = django_user_model.objects.create_user("deployer")
    executor = MigrationExecutor(connection)
    leaves = executor.loader.graph.leaf_nodes()
    executor.migrate([("accounts", None)])  # back to when tokens lived in slos
    executor.loader.build_graph()
    old_apps = executor.loader.project_state([("slos", "0004_data_source_url")]).apps
    old_key = "slo_issued-before-the-api-existed"
    old_apps.get_model("slos", "ApiToken").objects.create(
        user_id=user.pk, name="deploy pipeline", key_digest=key_digest(old_key))
    executor = MigrationExecutor(connection)
    executor.migrate(leaves)
    token = ApiToken.find(old_key)
    assert token.user == user and token.name == "deploy pipeline" and token.scope == "read"
