"""The import contracts cover every app: a new app in INSTALLED_APPS is never left unchecked."""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any

from django.conf import settings

ROOT = Path(__file__).resolve().parents[2]


def contracts() -> list[dict[str, Any]]:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    return list(config["tool"]["importlinter"]["contracts"])


def our_apps() -> set[str]:
    return {app for app in settings.INSTALLED_APPS if app.startswith("opsdesk.")} - {"opsdesk.core"}


def by_name(prefix: str) -> dict[str, Any]:
    return next(c for c in contracts() if str(c["name"]).startswith(prefix))


def test_every_app_is_layered_inside_and_placed_in_the_call_direction() -> None:
    assert set(by_name("Inside an app")["containers"]) == our_apps()
    assert set(by_name("Apps call one way")["layers"]) == our_apps()
    assert set(by_name("core imports no app")["forbidden_modules"]) == our_apps()
