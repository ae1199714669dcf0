"""Run axe-core (vendored in e2e/vendor/, see its README) on a Playwright page and keep the serious and critical
violations, described so that a failing assertion says what to fix and where."""

from __future__ import annotations

from pathlib import Path
from typing import Any

AXE_JS = Path(__file__).resolve().parent / "vendor" / "axe.min.js"

# The rule sets checked: WCAG 2.0, 2.1 and 2.2 at levels A and AA, and Deque's best practices (landmarks, headings,
# duplicate ids of active elements, ...). Only violations are asked for: axe then skips describing what passed.
RUN_OPTIONS: dict[str, Any] = {
    "runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"]},
    "resultTypes": ["violations"],
}
BLOCKING = ("serious", "critical")

# Waits until htmx has loaded what the page asks for on load (an element carries `htmx-request` while its request
# runs), then runs axe; returns the page's language with the violations, in one round trip.
RUN = """async ([options]) => {
  for (let i = 0; i < 250 && document.querySelector('.htmx-request'); i++) {
    await new Promise(resolve => setTimeout(resolve, 20));
  }
  const results = await axe.run(document, options);
  return {lang: document.documentElement.lang, violations: results.violations};
}"""


def install_axe(context: Any) -> None:
    """Load axe into every page the browser context opens. As an init script it runs through the DevTools protocol,
    so OpsDesk's Content-Security-Policy (script-src 'self', which rightly refuses an inline <script> tag such as
    `page.add_script_tag` adds) stays on while the pages are checked."""
    context.add_init_script(path=str(AXE_JS))


def run_axe(page: Any) -> tuple[str, list[dict[str, Any]]]:
    """The page's `lang` and its serious and critical violations, once htmx has settled."""
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.evaluate(AXE_JS.read_text(encoding="utf-8"))  # a page of a context without install_axe()
    results = page.evaluate(RUN, [RUN_OPTIONS])
    return results["lang"], [v for v in results["violations"] if v["impact"] in BLOCKING]


def describe(violations: list[dict[str, Any]], *, where: str) -> str:
    """A readable report: one block per rule, with each offending element's selector and HTML snippet."""
    lines = [f"{len(violations)} serious or critical accessibility violation(s) on {where}:"]
    for violation in violations:
        lines.append(f"- {violation['id']} ({violation['impact']}): {violation['help']} <{violation['helpUrl']}>")
        for node in violation["nodes"][:8]:
            target = " >> ".join(" ".join(part) if isinstance(part, list) else part for part in node["target"])
            lines.append(f"    at {target}")
            lines.append(f"       {node['html'][:300]}")
            summary = (node.get("failureSummary") or "").replace("\n", " ")
            if summary:
                lines.append(f"       {summary[:400]}")
        if len(violation["nodes"]) > 8:
            lines.append(f"    ... and {len(violation['nodes']) - 8} more")
    return "\n".join(lines)
