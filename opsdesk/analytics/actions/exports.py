"""The audit record of an export: rows of tickets and figures leaving OpsDesk are recorded like access changes."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from opsdesk.accounts.models import User
from opsdesk.audit import actions as audit

MAX_PARAM_CHARS = 500


def record_export(*, what: str, file_format: str, params: Mapping[str, Any], actor: User) -> None:
    """`what`: report, drill:<kpi> or tickets; the request's parameters as sent (each cut to 500 characters)."""
    shown = {str(key)[:60]: str(value)[:MAX_PARAM_CHARS] for key, value in list(params.items())[:40]}
    audit.record(actor=actor, verb="export.downloaded", data={"what": what, "format": file_format, "params": shown})
