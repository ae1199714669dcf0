"""The database connection settings (ADR 0031): on PostgreSQL a pool per process, parameters bound by the server,
queries prepared on their connection and each run planned for its own values; SQLite opens its file as before."""

from __future__ import annotations

import pytest
from django.db import connection


@pytest.mark.django_db
def test_connections_are_set_up_for_the_database_in_use() -> None:
    options = connection.settings_dict["OPTIONS"]
    if connection.vendor == "postgresql":
        assert options["pool"]["max_size"] == 20
        assert (options["server_side_binding"], options["prepare_threshold"]) == (True, 5)
        assert connection.settings_dict["CONN_MAX_AGE"] == 0  # the pool keeps the connections
        with connection.cursor() as cursor:
            cursor.execute("SHOW plan_cache_mode")
            assert cursor.fetchone() == ("force_custom_plan",)  # a generic plan made rare-word searches 13x slower
    else:
        assert connection.vendor == "sqlite"
        assert "pool" not in options and options["transaction_mode"] == "IMMEDIATE"
