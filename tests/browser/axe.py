"""axe-core in the browser tests: the vendored static/vendor/axe-core/axe.min.js is read from
the repository and evaluated in the page (the page's Content-Security-Policy allows no inline
script; evaluation by the test driver is not a page script), then run on the whole document."""

import json
from pathlib import Path

AXE = Path(__file__).resolve().parents[2] / "static" / "vendor" / "axe-core" / "axe.min.js"
# The WCAG 2.1 A and AA rules, and axe's best practices (landmarks, headings, regions).
TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"]


def violations(page, tags=TAGS):
    """axe's violations on the page as it is now: [{id, impact, help, nodes: [target…]}]."""
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.evaluate(AXE.read_text(encoding="utf-8"))
    found = page.evaluate(
        """async (tags) => {
            const result = await axe.run(document, {runOnly: {type: "tag", values: tags},
                                                    resultTypes: ["violations"]});
            return result.violations.map(v => ({
                id: v.id, impact: v.impact, help: v.help,
                nodes: v.nodes.map(n => ({target: n.target.join(" "),
                                          summary: n.failureSummary || ""})),
            }));
        }""",
        tags,
    )
    return found


def describe(found_by_page):
    """A readable failure message: page → rule (impact): help, then each node's target."""
    lines = []
    for page, found in found_by_page.items():
        for violation in found:
            lines.append(f"{page}: {violation['id']} ({violation['impact']}, "
                         f"{len(violation['nodes'])} nodes): {violation['help']}")
            for node in violation["nodes"][:20]:
                summary = " ".join(node["summary"].split())[:200]
                lines.append(f"    {node['target']}  — {summary}")
    return "\n".join(lines)


def counts(found_by_page):
    """{page: {rule: nodes}}, for a short summary."""
    return {page: {v["id"]: len(v["nodes"]) for v in found} for page, found in
            found_by_page.items() if found}


def dump(found_by_page):
    return json.dumps(counts(found_by_page), indent=1, ensure_ascii=False)
