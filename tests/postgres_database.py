"""A database of its own on the test PostgreSQL server (SEND_WAREHOUSE_TEST_POSTGRES_URL), dropped after."""
from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager

import psycopg2
import pytest
from sqlalchemy.engine import make_url

URL_ENV = "SEND_WAREHOUSE_TEST_POSTGRES_URL"


@contextmanager
def fresh_database() -> Iterator[str]:
    """The URL of a new, empty database on the test server; skips the test when there is none."""
    url = os.environ.get(URL_ENV)
    if not url:
        pytest.skip(f"{URL_ENV} is not set: no PostgreSQL server to build the marts on")
    server = make_url(url)
    name = f"send_test_{uuid.uuid4().hex[:12]}"
    admin = psycopg2.connect(host=server.host, port=server.port or 5432, user=server.username,
                             password=server.password, dbname=server.database)
    admin.autocommit = True
    try:
        with admin.cursor() as cursor:
            cursor.execute(f'create database "{name}"')
        yield server.set(database=name).render_as_string(hide_password=False)
        with admin.cursor() as cursor:
            cursor.execute(f'drop database "{name}" with (force)')
    finally:
        admin.close()
