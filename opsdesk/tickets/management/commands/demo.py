"""Run the web server and the background worker together for the demo."""

from __future__ import annotations

import signal
import subprocess
import sys
import threading
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

DEMO_LOGINS = [
    ("admin", "admin@opsdesk.example", "Administrator"),
    ("manager", "manager@opsdesk.example", "Manager"),
    ("lead", "lead.fi@opsdesk.example", "Team lead (Finnish team)"),
    ("agent", "agent.en@opsdesk.example", "Agent (English)"),
    ("agent", "agent.fi@opsdesk.example", "Agent (Finnish)"),
    ("agent", "agent.sv@opsdesk.example", "Agent (Swedish)"),
    ("agent", "agent.ru@opsdesk.example", "Agent (Russian)"),
    ("agent", "agent.el@opsdesk.example", "Agent (Greek)"),
    ("light", "light@opsdesk.example", "Light agent"),
    ("customer", "customer@opsdesk.example", "Customer (portal)"),
]


def _serve_example_site(host: str, port: int, desk_url: str) -> str | None:
    """Serve the example customer website (messaging/demo.py) on another origin, in a thread; None if the port is
    taken (the demo runs without it)."""
    from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

    from opsdesk.messaging import demo as channels_demo

    page = channels_demo.site_page(desk_url).encode()

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802 - the http.server API
            if self.path not in ("/", "/index.html"):
                self.send_error(404)
                return
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(page)))
            self.end_headers()
            self.wfile.write(page)

        def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - quiet
            return

    try:
        server = ThreadingHTTPServer((host, port), Handler)
    except OSError:
        return None
    threading.Thread(target=server.serve_forever, daemon=True).start()
    from opsdesk.core.site import served_url

    return served_url(host, port) + "/"


class Command(BaseCommand):
    help = "Serve OpsDesk (uvicorn) and run the worker, printing the URL and the demo logins."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--host", default="127.0.0.1", help="Address to listen on (default 127.0.0.1).")
        parser.add_argument("--port", type=int, default=8000, help="Port to listen on (default 8000).")

    def handle(self, *args: Any, **options: Any) -> None:
        from opsdesk.core import site as core_site
        from opsdesk.messaging import demo as channels_demo
        from opsdesk.tickets.demo_data import DEMO_PASSWORD

        # Links in mail, webhooks and exports name the address served here, whichever process makes them: this one,
        # the server (`serve` sets it too) and the worker, which gets it in its environment (core/site.py). A
        # configured OPSDESK_SITE_URL still comes first.
        served = core_site.served_url(options["host"], options["port"])
        core_site.serve_at(served)
        site_port = options["port"] + 1
        channels_demo.seed_channels(site_port=site_port)
        example = _serve_example_site(options["host"], site_port, served + "/")
        worker = subprocess.Popen([sys.executable, "-m", "opsdesk.cli", "worker", "--workers", "2", "--quiet"])
        url = served + "/"
        self.stdout.write(self.style.SUCCESS(f"\nOpsDesk is running at {url}\n"))
        if core_site.configured() and core_site.configured() != served:
            self.stdout.write(f"Links in e-mail use OPSDESK_SITE_URL, which is set to {core_site.configured()}.")
        self.stdout.write(f"Demo logins (password for all: {DEMO_PASSWORD}):")
        for _kind, email, label in DEMO_LOGINS:
            self.stdout.write(f"  {label:28} {email}")
        self.stdout.write(f"Public contact form: {url}contact/")
        if example is not None:
            self.stdout.write(f"Example customer website with the chat widget and a web form: {example}")
        self.stdout.write("Stop with Ctrl+C.\n")
        try:
            subprocess.run(
                [
                    sys.executable,
                    "-m",
                    "opsdesk.cli",
                    "serve",
                    "--host",
                    options["host"],
                    "--port",
                    str(options["port"]),
                ],
                check=False,
            )
        except KeyboardInterrupt:
            pass
        finally:
            worker.send_signal(signal.SIGINT)
            try:
                worker.wait(timeout=10)
            except subprocess.TimeoutExpired:
                worker.kill()
