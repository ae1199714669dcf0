"""Print (or write) the KPI catalogue generated from analytics/kpis.py: docs/metrics.md."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from opsdesk.analytics import kpis


class Command(BaseCommand):
    help = "Print the KPI catalogue (docs/metrics.md) generated from the KPI definitions."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--write", metavar="PATH", help="Write it to PATH instead of printing it.")

    def handle(self, *args: Any, **options: Any) -> None:
        text = kpis.catalogue_markdown() + "\n"
        if options["write"]:
            Path(options["write"]).write_text(text, encoding="utf-8")
        else:
            self.stdout.write(text, ending="")
