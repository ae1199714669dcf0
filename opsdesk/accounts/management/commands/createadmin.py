"""Create an administrator account from the command line."""

from __future__ import annotations

import getpass
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from opsdesk.accounts import actions
from opsdesk.accounts.models import Role
from opsdesk.core.errors import ActionError


class Command(BaseCommand):
    help = "Create an administrator account."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--email", required=True, help="The administrator's email (used to sign in).")
        parser.add_argument("--name", default="", help="Display name.")
        parser.add_argument("--password", default="", help="Password (asked for when omitted).")
        parser.add_argument("--language", default="en", help="en, fi, sv, ru or el.")

    def handle(self, *args: Any, **options: Any) -> None:
        password = options["password"] or getpass.getpass("Password: ")
        try:
            user = actions.create_user(
                email=options["email"],
                name=options["name"],
                role=Role.ADMIN,
                password=password,
                language=options["language"],
                actor=None,
            )
        except ActionError as error:
            raise CommandError(error.message) from None
        self.stdout.write(self.style.SUCCESS(f"Administrator {user.email} created."))
