"""A scorecard as a lead writes it, and as the score engine reads it.

The editor takes one line per section and one per item ("- " in front), with options in square brackets:

    Greeting [weight 1]
    - Uses the customer's name [binary]
    - Tone fits the customer [5 points, weight 2, N/A]
    Solution [weight 3]
    - Correct and complete answer [5 points, weight 3, critical]
    - Follows the refund policy [binary, critical: section]
    - Goes the extra mile [binary, bonus]

Options: `weight N` (0 tracks an item or section without scoring it), `binary` or `N points` (3, 4 or 5), `N/A`,
`critical` (a failed item fails the review) or `critical: section` (it zeroes its section), `bonus`. The option
words are understood in English and in the reader's language. Defaults: weight 1, binary, no N/A, not critical.
`parse` returns the definition stored on the scorecard version (JSON), `card` turns it into the engine's `Card`.
Item keys come from their names, so the same item keeps its key across versions (criterion reports, calibration).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from opsdesk.quality import scoring

MAX_LINES = 200
MAX_NAME = 200
MAX_WEIGHT = 100


class CardError(ValueError):
    """`line` (1-based; 0 for the card as a whole) and a message for the lead."""

    def __init__(self, line: int, message: str) -> None:
        super().__init__(message)
        self.line = line
        self.message = message


@dataclass(frozen=True)
class Words:
    weight: set[str]
    points: set[str]
    binary: set[str]
    critical: set[str]
    section: set[str]
    bonus: set[str]


def _words() -> Words:
    def both(english: str, translated: str) -> set[str]:
        return {english, translated.lower()}

    return Words(
        weight=both("weight", pgettext("scorecard option", "weight")),
        points=both("points", pgettext("scorecard option", "points")),
        binary=both("binary", pgettext("scorecard option", "binary")),
        critical=both("critical", pgettext("scorecard option", "critical")),
        section=both("section", pgettext("scorecard option", "section")),
        bonus=both("bonus", pgettext("scorecard option", "bonus")),
    )


_LINE = re.compile(r"^(?P<item>-\s*)?(?P<name>[^\[\]]+?)\s*(?:\[(?P<options>[^\[\]]*)\])?\s*$")


def _options(text: str, number: int, *, item: bool, words: Words) -> dict[str, Any]:
    found: dict[str, Any] = {}
    for raw in (part.strip() for part in text.split(",")):
        option = " ".join(raw.lower().split())
        if not option:
            continue
        parts = option.replace(":", " : ").split()
        if len(parts) == 2 and parts[0] in words.weight and parts[1].isdigit():
            weight = int(parts[1])
            if weight > MAX_WEIGHT:
                raise CardError(number, _("Line %(line)d: a weight is 0 to 100.") % {"line": number})
            found["weight"] = weight
        elif item and len(parts) == 2 and parts[0].isdigit() and parts[1] in words.points:
            points = int(parts[0])
            if points not in (3, 4, 5):
                raise CardError(number, _("Line %(line)d: a scale is binary, or 3, 4 or 5 points.") % {"line": number})
            found["points"] = points
        elif item and option in words.binary:
            found["points"] = 2
        elif item and option in {"n/a", "na", _("N/A").lower()}:
            found["na_allowed"] = True
        elif item and parts[0] in words.critical and len(parts) == 1:
            found["critical"] = "review"
        elif item and parts[0] in words.critical and parts[1:2] == [":"] and len(parts) == 3:
            if parts[2] not in words.section:
                raise CardError(
                    number,
                    _("Line %(line)d: write “critical” (fails the review) or “critical: section”.") % {"line": number},
                )
            found["critical"] = "section"
        elif item and option in words.bonus:
            found["bonus"] = True
        else:
            raise CardError(
                number,
                _("Line %(line)d: “%(option)s” is not an option here.") % {"line": number, "option": raw}
                + " "
                + (
                    _("Items take: weight N, binary, N points, N/A, critical, critical: section, bonus.")
                    if item
                    else _("Sections take: weight N.")
                ),
            )
    return found


def _key(name: str, taken: set[str]) -> str:
    base = slugify(name, allow_unicode=True)[:60] or "item"
    key, n = base, 2
    while key in taken:
        key, n = f"{base}-{n}", n + 1
    taken.add(key)
    return key


def parse(source: str, *, na_as_pass: bool = False, flag_only: bool = False, bonus_cap: int = 100) -> dict[str, Any]:
    """The definition of the scorecard `source` describes, with the card's options; CardError naming the line
    otherwise."""
    if not 100 <= bonus_cap <= 200:
        raise CardError(0, _("The score with bonus is capped at 100 to 200."))
    lines = source.replace("\r\n", "\n").split("\n")
    if len(lines) > MAX_LINES:
        raise CardError(0, _("A scorecard has at most %(n)d lines.") % {"n": MAX_LINES})
    words = _words()
    sections: list[dict[str, Any]] = []
    taken: set[str] = set()
    for number, line in enumerate(lines, start=1):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        match = _LINE.match(line.strip())
        if match is None:
            raise CardError(
                number, _("Line %(line)d: square brackets hold the options, once, at the end.") % {"line": number}
            )
        name = " ".join(match["name"].split())
        if not name or name == "-":
            raise CardError(number, _("Line %(line)d: give it a name.") % {"line": number})
        if len(name) > MAX_NAME:
            raise CardError(number, _("Line %(line)d: a name has at most 200 characters.") % {"line": number})
        is_item = bool(match["item"])
        options = _options(match["options"] or "", number, item=is_item, words=words)
        if not is_item:
            sections.append({"key": _key(name, taken), "name": name, "weight": options.get("weight", 1), "items": []})
            continue
        if not sections:
            raise CardError(
                number,
                _("Line %(line)d: an item belongs to a section: write the section's line first.") % {"line": number},
            )
        if options.get("bonus") and options.get("na_allowed"):
            raise CardError(number, _("Line %(line)d: a bonus item cannot be N/A.") % {"line": number})
        sections[-1]["items"].append(
            {
                "key": _key(name, taken),
                "name": name,
                "points": options.get("points", 2),
                "weight": options.get("weight", 1),
                "na_allowed": options.get("na_allowed", False),
                "critical": options.get("critical", ""),
                "bonus": options.get("bonus", False),
            }
        )
    if not sections:
        raise CardError(0, _("Write at least one section with one item."))
    empty = [section["name"] for section in sections if not section["items"]]
    if empty:
        raise CardError(0, _("Section “%(name)s” has no items.") % {"name": empty[0]})
    if not any(section["weight"] for section in sections) or not any(
        item["weight"] and not item["bonus"] for section in sections for item in section["items"]
    ):
        raise CardError(0, _("At least one section and one item need a weight above 0, or nothing is scored."))
    return {"sections": sections, "na_as_pass": na_as_pass, "flag_only": flag_only, "bonus_cap": bonus_cap}


def card(definition: dict[str, Any]) -> scoring.Card:
    """The engine's card of a stored definition (its sections and its options: N/A as a pass, critical as a flag
    only, the bonus cap)."""
    return scoring.Card(
        sections=tuple(
            scoring.Section(
                section["key"],
                section["weight"],
                tuple(
                    scoring.Item(
                        item["key"],
                        points=item["points"],
                        weight=item["weight"],
                        na_allowed=item["na_allowed"],
                        critical=item["critical"],
                        bonus=item["bonus"],
                    )
                    for item in section["items"]
                ),
            )
            for section in definition["sections"]
        ),
        na_as_pass=bool(definition.get("na_as_pass", False)),
        flag_only=bool(definition.get("flag_only", False)),
        bonus_cap=int(definition.get("bonus_cap", 100)),
    )


def items(definition: dict[str, Any]) -> list[dict[str, Any]]:
    """Every item, with its section's name, in order."""
    return [
        {**item, "section": section["name"], "section_key": section["key"]}
        for section in definition["sections"]
        for item in section["items"]
    ]


def shares(definition: dict[str, Any]) -> list[dict[str, Any]]:
    """The preview's arithmetic: each section's share of the review score, and each scored item's share of its
    section, as percentages (bonus and weight-0 items have none)."""
    total = sum(section["weight"] for section in definition["sections"])
    out = []
    for section in definition["sections"]:
        scored = sum(item["weight"] for item in section["items"] if not item["bonus"])
        out.append(
            {
                **section,
                "share": 100 * section["weight"] / total if total else 0,
                "items": [
                    {**item, "share": 100 * item["weight"] / scored if scored and not item["bonus"] else 0}
                    for item in section["items"]
                ],
            }
        )
    return out
