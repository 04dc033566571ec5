"""A database of its own on the test PostgreSQL server (SEND_WAREHOUSE_TEST_POSTGRES_URL), dropped after
with its build database; BI roles of their own, dropped after."""
from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager

import psycopg2
import pytest
from sqlalchemy.engine import make_url

from publication.postgres import BUILD_DATABASE_SUFFIX
from publication.postgres_tiers import BiRoles

URL_ENV = "SEND_WAREHOUSE_TEST_POSTGRES_URL"


def _server_url() -> str:
    url = os.environ.get(URL_ENV)
    if not url:
        pytest.skip(f"{URL_ENV} is not set: no PostgreSQL server to build the marts on")
    return url


@contextmanager
def _admin() -> Iterator:
    server = make_url(_server_url())
    admin = psycopg2.connect(host=server.host, port=server.port or 5432, user=server.username,
                             password=server.password, dbname=server.database)
    admin.autocommit = True
    try:
        with admin.cursor() as cursor:
            yield cursor
    finally:
        admin.close()


@contextmanager
def fresh_database() -> Iterator[str]:
    """The URL of a new, empty database on the test server; skips the test when there is none."""
    server = make_url(_server_url())
    name = f"send_test_{uuid.uuid4().hex[:12]}"
    with _admin() as cursor:
        cursor.execute(f'create database "{name}"')
        yield server.set(database=name).render_as_string(hide_password=False)
        for database in (name, name + BUILD_DATABASE_SUFFIX):
            cursor.execute(f'drop database if exists "{database}" with (force)')


@contextmanager
def fresh_roles() -> Iterator[BiRoles]:
    """BI role names no other test uses; the roles, and every login user made a member of one,
    are dropped after (enter before the databases they are granted on, so those go first)."""
    suffix = uuid.uuid4().hex[:8]
    roles = BiRoles(public_reader=f"send_test_public_{suffix}", analyst=f"send_test_analyst_{suffix}")
    with _admin() as cursor:
        yield roles
        cursor.execute("select rolname from pg_roles where rolname like %s", [f"send\\_test\\_%\\_{suffix}%"])
        for (role,) in cursor.fetchall():
            cursor.execute(f'drop role "{role}"')
