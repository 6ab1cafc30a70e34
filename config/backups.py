"""Backup and restore of the whole database: ``manage.py backup <file>`` and
``manage.py restore <file>``.

PostgreSQL: ``pg_dump --format=custom`` and ``pg_restore --clean --if-exists`` (the client tools
must be installed, of the server's major version or newer). SQLite: a consistent copy through
SQLite's own backup API, and the file copied back. Restoring replaces everything.
"""

import os
import shutil
import sqlite3
import subprocess

from django.db import connections


class BackupError(Exception):
    pass


def _pg_environment(settings_dict):
    env = dict(os.environ)
    if settings_dict.get("PASSWORD"):
        env["PGPASSWORD"] = settings_dict["PASSWORD"]
    return env


def _pg_target(settings_dict):
    args = []
    for option, key in (("--host", "HOST"), ("--port", "PORT"), ("--username", "USER")):
        if settings_dict.get(key):
            args += [option, str(settings_dict[key])]
    return [*args, "--dbname", settings_dict["NAME"]]


def _run(command, env=None):
    tool = shutil.which(command[0])
    if tool is None:
        raise BackupError(f"{command[0]} is not installed (the PostgreSQL client tools)")
    result = subprocess.run([tool, *command[1:]], env=env, capture_output=True, text=True)
    if result.returncode != 0:
        raise BackupError(f"{command[0]} failed: {result.stderr.strip()[:500]}")


def backup(path, alias="default"):
    connection = connections[alias]
    settings_dict = connection.settings_dict
    if connection.vendor == "postgresql":
        _run(["pg_dump", "--format=custom", "--no-owner", "--file", str(path),
              *_pg_target(settings_dict)], env=_pg_environment(settings_dict))
    elif connection.vendor == "sqlite":
        with sqlite3.connect(settings_dict["NAME"]) as source, sqlite3.connect(path) as copy:
            source.backup(copy)
    else:
        raise BackupError(f"no backup for the {connection.vendor} database")


def restore(path, alias="default"):
    if not os.path.isfile(path):
        raise BackupError(f"{path}: no such file")
    connection = connections[alias]
    settings_dict = connection.settings_dict
    connection.close()
    if connection.vendor == "postgresql":
        _run(["pg_restore", "--clean", "--if-exists", "--no-owner", "--single-transaction",
              *_pg_target(settings_dict), str(path)], env=_pg_environment(settings_dict))
    elif connection.vendor == "sqlite":
        with sqlite3.connect(path) as copy, sqlite3.connect(settings_dict["NAME"]) as target:
            copy.backup(target)
    else:
        raise BackupError(f"no restore for the {connection.vendor} database")
