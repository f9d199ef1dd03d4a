"""Constants and markers shared by test modules (import these, never the conftest module itself)."""
from __future__ import annotations

import os

import pytest

TEST_DATABASE_URL = os.environ.get("TEST_DATABASE_URL")
PASSWORD = "kata-sandi-uji-9431"


def on_postgres() -> bool:
    return bool(TEST_DATABASE_URL)


requires_postgres = pytest.mark.skipif(not on_postgres(), reason="needs PostgreSQL: set TEST_DATABASE_URL")
