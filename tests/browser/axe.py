"""axe-core in the browser: `assert_accessible(page, label)` fails with a readable list of WCAG 2.1 A/AA violations.

axe.min.js comes from the axe-playwright-python package (shipped inside the wheel, so no network is needed).
"""

import weakref
from importlib.resources import files

import pytest

AXE_SOURCE = (files("axe_playwright_python") / "axe.min.js").read_text(encoding="utf-8")
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]

RUN_AXE = """async (tags) => {
  const results = await axe.run(document, {runOnly: {type: "tag", values: tags}, resultTypes: ["violations"]});
  return results.violations.map((v) => ({
    id: v.id,
    impact: v.impact,
    help: v.help,
    helpUrl: v.helpUrl,
    nodes: v.nodes.map((n) => ({target: n.target.join(" "), summary: n.failureSummary || ""})),
  }));
}"""


#: Browser contexts whose every new document starts with axe-core (see `axe_violations`).
_contexts_with_axe = weakref.WeakSet()


def axe_violations(page) -> list[dict]:
    # Through the DevTools protocol, not as an inline <script>: the site's Content-Security-Policy (nonces only)
    # would block a script tag, and the pages must be checked with their real policy on. Once a context has been
    # checked, its later documents get axe-core as they start (an init script), instead of its ~500 kB being sent
    # to each page again.
    if page.context not in _contexts_with_axe:
        page.context.add_init_script(AXE_SOURCE)
        _contexts_with_axe.add(page.context)
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.evaluate(f"() => {{ {AXE_SOURCE}\n}}")
    return page.evaluate(RUN_AXE, WCAG_TAGS)


def format_violations(label: str, url: str, violations: list[dict]) -> str:
    lines = [f"{label} ({url}): {len(violations)} WCAG 2.1 A/AA violation(s)"]
    for violation in violations:
        lines.append(f"- [{violation['impact']}] {violation['id']}: {violation['help']} ({violation['helpUrl']})")
        for node in violation["nodes"]:
            lines.append(f"    {node['target']}")
            lines.extend(f"      {line.strip()}" for line in node["summary"].splitlines()[1:2])
    return "\n".join(lines)


def assert_accessible(page, label: str) -> None:
    violations = axe_violations(page)
    if violations:
        pytest.fail(format_violations(label, page.url, violations), pytrace=False)
