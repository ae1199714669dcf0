"""Print (or write) the ticket event schema generated from the registry: docs/events.md."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from opsdesk.tickets import events


class Command(BaseCommand):
    help = "Print the ticket event schema (docs/events.md) generated from the event registry."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--write", metavar="PATH", help="Write it to PATH instead of printing it.")

    def handle(self, *args: Any, **options: Any) -> None:
        text = events.schema_markdown() + "\n"
        if options["write"]:
            Path(options["write"]).write_text(text, encoding="utf-8")
        else:
            self.stdout.write(text, ending="")
