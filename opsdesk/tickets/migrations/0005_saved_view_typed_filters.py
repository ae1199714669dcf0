"""Saved views store the typed filter format of tickets/filters.py (docs/filters.md) instead of the inbox's flat
query keys: {"status": "unsolved", "team": "3", "assignee": "me", "tag": "vip", "q": "refund"} becomes
{"match": "all", "conditions": [{"field": "status_category", "op": "in", "value": [...]}, ...], "q": "refund"}.

Values the old inbox ignored (a team that is not a number, an unknown category) are dropped, as it dropped them.
Self-contained on purpose: a migration must not import code that will change.
"""

from __future__ import annotations

import re
from typing import Any

from django.db import migrations

CATEGORIES = ("new", "open", "pending", "on_hold", "solved", "closed")  # as they were when this was written
UNSOLVED = ("new", "open", "pending", "on_hold")
ID = re.compile(r"[0-9]{1,18}")
CHOICES = {
    "priority": ("low", "normal", "high", "urgent"),
    "channel": ("email", "web", "portal", "chat", "phone", "api", "agent"),
    "language": ("en", "fi", "sv", "ru", "el"),
}


def typed(old: Any) -> dict[str, Any]:
    """The typed form of one saved view's old filters (already typed filters are kept as they are)."""
    if not isinstance(old, dict):
        return {"match": "all", "conditions": []}
    if "conditions" in old:
        return old
    conditions: list[dict[str, Any]] = []
    if status := old.get("status"):
        values = [str(v) for v in (status if isinstance(status, list) else [status])]
        wanted = UNSOLVED if values == ["unsolved"] else tuple(c for c in CATEGORIES if c in values)
        if wanted:
            conditions.append({"field": "status_category", "op": "in", "value": list(wanted)})
    for key, choices in CHOICES.items():
        if (value := old.get(key)) and str(value) in choices:
            conditions.append({"field": key, "op": "is", "value": str(value)})
    if (team := str(old.get("team") or "")) and ID.fullmatch(team):
        conditions.append({"field": "team_id", "op": "is", "value": int(team)})
    assignee = str(old.get("assignee") or "")
    if assignee in ("me", "none") or ID.fullmatch(assignee):
        value = None if assignee == "none" else assignee if assignee == "me" else int(assignee)
        conditions.append({"field": "assignee_id", "op": "is", "value": value})
    if tag := str(old.get("tag") or "").strip():
        conditions.append({"field": "tags", "op": "contains", "value": tag.lower()[:60]})
    result: dict[str, Any] = {"match": "all", "conditions": conditions}
    if q := str(old.get("q") or "").strip():
        result["q"] = q[:500]
    return result


def flat(new: Any) -> dict[str, Any]:
    """Back to the old keys, as far as they can say it (for a migration backwards)."""
    if not isinstance(new, dict) or "conditions" not in new:
        return new if isinstance(new, dict) else {}
    names = {"status_category": "status", "team_id": "team", "assignee_id": "assignee", "tags": "tag"}
    old: dict[str, Any] = {}
    for condition in new.get("conditions", []):
        if not isinstance(condition, dict) or "field" not in condition:
            continue
        field, value = condition["field"], condition.get("value")
        key = names.get(field, field)
        if field == "status_category":
            old[key] = "unsolved" if list(value) == list(UNSOLVED) else list(value)
        elif key in ("priority", "channel", "language", "team", "tag"):
            old[key] = str(value)
        elif key == "assignee":
            old[key] = "none" if value is None else str(value)
    if new.get("q"):
        old["q"] = new["q"]
    return old


def forwards(apps: Any, schema_editor: Any) -> None:
    SavedView = apps.get_model("tickets", "SavedView")
    for view in SavedView.objects.all():
        view.filters = typed(view.filters)
        view.save(update_fields=["filters"])


def backwards(apps: Any, schema_editor: Any) -> None:
    SavedView = apps.get_model("tickets", "SavedView")
    for view in SavedView.objects.all():
        view.filters = flat(view.filters)
        view.save(update_fields=["filters"])


class Migration(migrations.Migration):
    dependencies = [("tickets", "0004_event_source_cause_consumers")]
    operations = [migrations.RunPython(forwards, backwards)]
