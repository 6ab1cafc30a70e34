"""PostgreSQL restarts under the site (issue 10): persistent connections recover by themselves
(CONN_HEALTH_CHECKS) at the next request, and a committed write survives the restart.

A throw-away PostgreSQL cluster of the test's own (initdb into a temporary folder, on its own
port) is really stopped and started; the shared server is never touched."""

import glob
import os
import shutil
import subprocess
import tempfile

import pytest
from django.db import OperationalError
from django.db.utils import ConnectionHandler

from config.env import parse_database_url
from tests.slos.servers import free_port

BIN = next(iter(sorted(glob.glob("/usr/lib/postgresql/*/bin"))), "")
pytestmark = pytest.mark.skipif(not os.path.exists(f"{BIN}/initdb"),
                                reason="PostgreSQL server binaries (initdb) are not installed")


def as_postgres(*args):
    prefix = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
    return subprocess.run([*prefix, *args], check=True, capture_output=True, timeout=180)


@pytest.fixture
def cluster(django_db_blocker):
    """The cluster's URL and a restart(); connections to it are allowed (not the test DB)."""
    with django_db_blocker.unblock():
        yield from _cluster()


def _cluster():
    folder = tempfile.mkdtemp(prefix="pm-cluster-")
    if os.geteuid() == 0:
        shutil.chown(folder, "postgres")
    port = free_port()
    data = f"{folder}/data"
    as_postgres(f"{BIN}/initdb", "-D", data, "-A", "trust", "-U", "postmortems")

    def pg_ctl(*args):
        as_postgres(f"{BIN}/pg_ctl", "-D", data, "-w", "-l", f"{folder}/log", *args)

    start = ("start", "-o", f"-p {port} -k {folder} -c listen_addresses=127.0.0.1")
    pg_ctl(*start)
    try:
        yield {"url": f"postgres://postmortems@127.0.0.1:{port}/postgres",
               "restart": lambda: (pg_ctl("stop", "-m", "fast"), pg_ctl(*start))}
    finally:
        subprocess.run(["runuser", "-u", "postgres", "--", f"{BIN}/pg_ctl", "-D", data,
                        "-m", "immediate", "stop"] if os.geteuid() == 0 else
                       [f"{BIN}/pg_ctl", "-D", data, "-m", "immediate", "stop"],
                       capture_output=True, timeout=60)
        shutil.rmtree(folder, ignore_errors=True)


def connection_to(url, **overrides):
    handler = ConnectionHandler({"default": {**parse_database_url(url), **overrides}})
    return handler["default"]


def query(connection, sql, params=()):
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall() if cursor.description else None


def test_connections_recover_after_a_restart_and_committed_writes_survive(cluster):
    connection = connection_to(cluster["url"])
    assert connection.settings_dict["CONN_HEALTH_CHECKS"] is True
    query(connection, "CREATE TABLE acknowledged (id int)")
    query(connection, "INSERT INTO acknowledged VALUES (1), (2)")  # autocommit: acknowledged

    cluster["restart"]()
    connection.close_if_unusable_or_obsolete()  # what every request starts with

    assert query(connection, "SELECT count(*) FROM acknowledged") == [(2,)]
    connection.close()


def test_without_health_checks_the_first_query_after_a_restart_fails(cluster):
    connection = connection_to(cluster["url"], CONN_HEALTH_CHECKS=False)
    query(connection, "SELECT 1")
    cluster["restart"]()
    connection.close_if_unusable_or_obsolete()
    with pytest.raises(OperationalError):
        query(connection, "SELECT 1")
    connection.close()
