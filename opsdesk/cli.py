"""The `opsdesk` console command: a friendly front for manage.py with --help on every subcommand."""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence

COMMANDS: dict[str, tuple[str, str]] = {
    # name: (management command, help)
    "serve": ("serve", "Serve OpsDesk with the production ASGI server (uvicorn)."),
    "worker": ("worker", "Run the background worker (huey): notifications, periodic jobs."),
    "demo": ("demo", "Serve OpsDesk and run the worker together, printing the URL and demo logins."),
    "seed-demo": ("seed_demo", "Generate multilingual demo data (bulk inserts)."),
    "seed-feedback": ("seed_feedback", "Add survey answers and QA reviews to demo data in bulk (benchmarks)."),
    "rebuild-search-index": ("rebuild_search_index", "Rebuild the full-text search index of every ticket."),
    "sla-backfill": ("sla_backfill", "Give unsolved tickets the SLA consumer never saw their clocks (demo, imports)."),
    "automation-schedule": ("automation_schedule", "Work out when every ticket's time rules are next due (imports)."),
    "analytics-rebuild": ("analytics_rebuild", "Recompute the KPI facts and daily rollups (--from/--to for days)."),
    "send-reports": ("send_reports", "Queue the scheduled reports whose period has ended (the hourly job, now)."),
    "kpi-docs": ("kpi_docs", "Print the KPI catalogue (docs/metrics.md) from the KPI definitions."),
    "consume-events": ("consume_events", "Run the event consumers over new ticket events until they catch up."),
    "event-schema": ("event_schema", "Print the ticket event schema (docs/events.md) from the event registry."),
    "poll-mail": ("poll_mail", "Fetch the mailboxes' mail over IMAP (IDLE between passes; --once for one pass)."),
    "receive-mail": ("receive_mail", "Receive mail from your MTA over LMTP or SMTP (--lmtp, --smtp, --port)."),
    "ingest-email": ("ingest_email", "Store raw email from standard input, --maildir PATH or --mbox PATH."),
    "createadmin": ("createadmin", "Create an administrator account."),
    "migrate": ("migrate", "Create or update the database tables."),
    "collectstatic": ("collectstatic", "Collect static files for the production server."),
    "check": ("check", "Run Django's system checks."),
    "manage": ("", "Run any manage.py command: opsdesk manage <command> [args]."),
}


def main(argv: Sequence[str] | None = None) -> int:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "opsdesk.settings")
    args = list(sys.argv[1:] if argv is None else argv)
    parser = argparse.ArgumentParser(prog="opsdesk", description="OpsDesk customer-service operations platform.")
    sub = parser.add_subparsers(dest="command", metavar="command")
    for name, (_target, help_text) in COMMANDS.items():
        sub.add_parser(name, help=help_text, add_help=False)
    if not args or args[0] in ("-h", "--help") or args[0] not in COMMANDS:
        parser.print_help()
        if args and args[0] not in ("-h", "--help"):
            return 2
        return 0
    name, rest = args[0], args[1:]
    target = COMMANDS[name][0]
    from django.core.management import execute_from_command_line

    if name == "manage":
        argv_django = ["opsdesk manage", *rest] if rest else ["opsdesk manage", "help"]
    else:
        if name == "collectstatic" and "--help" not in rest and "-h" not in rest:
            rest = ["--noinput", "-v0", *rest]
        argv_django = [f"opsdesk {name}", target, *rest]
    try:
        execute_from_command_line(argv_django)
    except KeyboardInterrupt:
        return 130
    return 0


if __name__ == "__main__":
    sys.exit(main())
