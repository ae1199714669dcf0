from __future__ import annotations

from typing import Any

from django.test import Client


def test_every_agent_page_renders_for_an_admin(client: Client, world: Any) -> None:
    ticket = world.ticket()
    client.force_login(world.admin)
    for url in [
        "/tickets/",
        f"/tickets/{ticket.pk}/",
        "/tickets/new/",
        "/customers/",
        f"/customers/{world.customer.pk}/",
        "/customers/organizations/",
        f"/customers/organizations/{world.organization.pk}/",
        "/people/teams/",
        f"/people/teams/{world.support.pk}/",
        "/accounts/users/",
        "/audit/",
        "/accounts/preferences/",
        "/accounts/tokens/",
        "/customers/import/",
        "/customers/new/",
        "/tickets/counts/",
    ]:
        response = client.get(url)
        assert response.status_code == 200, url


def test_the_hourly_database_optimisation_runs(db: None) -> None:
    from django.db import connection

    from opsdesk.core.tasks import optimize_database

    optimize_database.call_local()
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("SELECT count(*) FROM sqlite_master WHERE name = 'sqlite_stat1'")
            assert cursor.fetchone()[0] == 1
