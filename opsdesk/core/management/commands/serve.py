"""Serve OpsDesk with uvicorn (a production ASGI server, not runserver)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser


class Command(BaseCommand):
    help = "Serve OpsDesk with uvicorn."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--host", default="127.0.0.1", help="Address to listen on (default 127.0.0.1).")
        parser.add_argument("--port", type=int, default=8000, help="Port to listen on (default 8000).")
        parser.add_argument("--workers", type=int, default=1, help="Worker processes (default 1).")

    def handle(self, *args: Any, **options: Any) -> None:
        import uvicorn

        from opsdesk.core import site

        # Links made outside a request (and by uvicorn's worker processes) name the address served here; a
        # configured OPSDESK_SITE_URL still comes first (core/site.py).
        site.serve_at(site.served_url(options["host"], options["port"]))

        uvicorn.run(
            "opsdesk.asgi:application",
            host=options["host"],
            port=options["port"],
            workers=options["workers"],
            log_level="warning",
            lifespan="off",
        )
