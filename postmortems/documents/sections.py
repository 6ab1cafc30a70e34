"""A document's outline: the title, the lines under it, and its sections by what they are.

Headings are matched by meaning, not spelling: ``Executive Summary``/``Summary``,
``Timeline (UTC)``/``Timeline``, ``Root Cause Analysis``/``5 Whys``/``Root cause``,
``Action Items``/``Follow-ups``, in any letter case. An unknown ``##`` heading right after a
free-text section (summary, impact, notes) is the author's own sub-heading and stays in it;
anywhere else it opens a section the importer keeps as written in "Imported notes".
"""

import re
from dataclasses import dataclass, field

from postmortems.documents.errors import MalformedDocument

SECTION_NAMES = {
    "summary": ["executive summary", "summary", "tl;dr", "tldr", "overview",
                "incident summary"],
    "timeline": ["timeline", "timeline of events", "chronology", "sequence of events"],
    "analysis": ["root cause analysis", "5 whys", "five whys", "root cause", "root causes",
                 "analysis", "why"],
    "factors": ["contributing factors"],
    "impact": ["impact", "customer impact", "business impact", "user impact"],
    "actions": ["action items", "actions", "follow-ups", "follow ups", "followups",
                "follow-up actions", "follow-up items", "next steps", "remediation"],
    "what_happened": ["what happened"],
    "trigger": ["trigger"],
    "detection": ["detection"],
    "resolution": ["resolution"],
    "fix": ["fix", "fixes"],
    "quick": ["quick template"],
    "notes": ["imported notes"],
}
KIND_BY_NAME = {name: kind for kind, names in SECTION_NAMES.items() for name in names}
FREE_TEXT = {"summary", "impact", "notes", "what_happened", "trigger", "detection",
             "resolution"}
LABELS = {"summary": "executive summary", "timeline": "timeline", "analysis": "5 whys",
          "factors": "contributing factors", "impact": "impact", "actions": "action items",
          "what_happened": "what happened", "trigger": "trigger", "detection": "detection",
          "resolution": "resolution", "fix": "fix", "quick": "quick template",
          "notes": "imported notes"}


@dataclass
class Section:
    kind: str  # a key of SECTION_NAMES, or "unknown"
    heading: str
    line: int
    blocks: list = field(default_factory=list)

    @property
    def label(self):
        return LABELS.get(self.kind, f"“{self.heading}”")


@dataclass
class Outline:
    title: str
    title_line: int
    head: list  # the blocks between the title and the first section (date, severity …)
    sections: list

    def first(self, kind):
        return next((section for section in self.sections if section.kind == kind), None)


def heading_kind(text):
    name = re.sub(r"[*_`#]", "", text).strip().lower()
    name = re.sub(r"^\d+[.)]\s*", "", name)  # "3. Impact"
    name = re.sub(r"\s*\([^)]*\)\s*$", "", name)  # "Timeline (UTC)"
    name = " ".join(name.rstrip(":").replace("–", "-").split())  # noqa: RUF001
    return KIND_BY_NAME.get(name)


def outline(source):
    """Source → Outline, or MalformedDocument (no title, a section twice)."""
    blocks = source.blocks
    if not blocks or not (blocks[0].kind == "heading" and blocks[0].level == 1):
        line = blocks[0].start if blocks else 1
        raise MalformedDocument(line, "The document must start with its title: “# Title”.")
    title = blocks[0].text.strip()
    head, sections, seen = [], [], {}
    for block in blocks[1:]:
        is_section = block.kind == "heading" and block.level <= 2
        kind = heading_kind(block.text) if is_section else None
        current = sections[-1] if sections else None
        if is_section and kind is None and current and current.kind in FREE_TEXT:
            is_section = False  # the author's own sub-heading, e.g. in the summary
        if not is_section:
            (current.blocks if current else head).append(block)
            continue
        kind = kind or "unknown"
        if kind != "unknown" and kind in seen:
            raise MalformedDocument(block.start, f"A second “{block.text.strip()}” section "
                                    f"(the {LABELS[kind]} is already at line {seen[kind]}).")
        seen.setdefault(kind, block.start)
        sections.append(Section(kind, block.text.strip(), block.start))
    return Outline(title, blocks[0].start, head, sections)


def kept_text(source, heading, blocks):
    """Blocks the importer could not place, as the author wrote them, under their heading."""
    if not blocks:
        return ""
    body = source.text(blocks[0].start, blocks[-1].end).strip()
    return f"### {heading}\n\n{body}" if heading else body


def section_text(source, section):
    """A free-text section's Markdown, as written."""
    return kept_text(source, "", section.blocks) if section else ""
