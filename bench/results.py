"""The one writer of bench/results.json: each benchmark replaces its own entry, by name, and keeps the others."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

PATH = Path(__file__).resolve().parent / "results.json"


def write_entry(entry: dict[str, Any], path: Path = PATH) -> None:
    results = json.loads(path.read_text()) if path.exists() else {}
    entries = {r["name"]: r for r in results.get("results", [])}
    entries[entry["name"]] = entry
    results["results"] = list(entries.values())
    path.write_text(json.dumps(results, indent=2, ensure_ascii=False) + "\n")
