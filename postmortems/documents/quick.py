"""The quick template's one-sentence sections (What Happened, Trigger, Detection, Resolution,
Root Cause), its ``## Fix`` list (``- Immediate: …``, ``- Long-term: [ticket]``), and the app's
earlier ``## Quick template`` section of ``- Label: value`` lines."""

import re

from postmortems.documents.numbers import check_length
from postmortems.documents.sections import section_text
from postmortems.models import Postmortem

QUICK_FIELDS = [
    ("what_happened", "What happened"),
    ("trigger", "Trigger"),
    ("detection", "Detection"),
    ("resolution", "Resolution"),
    ("root_cause_sentence", "Root cause"),
    ("immediate_fix", "Immediate fix"),
    ("long_term_fix_ticket", "Long-term fix ticket"),
]
LABELED = re.compile(r"^(?P<label>[^:]{1,40}):\s*(?P<value>.*)$", re.DOTALL)
FIX_LABELS = {"immediate": "immediate_fix", "immediate fix": "immediate_fix",
              "long-term": "long_term_fix_ticket", "long term": "long_term_fix_ticket",
              "long-term fix": "long_term_fix_ticket",
              "long-term fix ticket": "long_term_fix_ticket"}
FIX_LABELS.update({label.lower(): name for name, label in QUICK_FIELDS})
TICKET_LENGTH = Postmortem._meta.get_field("long_term_fix_ticket").max_length


def read_quick(source, outline):
    """→ ({field: text}, [(section, block) kept])."""
    values, kept = {}, []
    for kind in ("what_happened", "trigger", "detection", "resolution"):
        text = section_text(source, outline.first(kind))
        if text:
            values[kind] = text
    for kind in ("fix", "quick"):
        section = outline.first(kind)
        for block in section.blocks if section else []:
            if block.kind != "list":
                kept.append((section, block))
                continue
            for item in block.items:
                match = LABELED.match(item.text)
                name = FIX_LABELS.get(match["label"].strip().lower()) if match else None
                if name is None or name in values:
                    kept.append((section, item))
                    continue
                values[name] = match["value"].replace("<br>", "\n").strip()
                if name == "long_term_fix_ticket":
                    check_length(values[name], TICKET_LENGTH, item.line, "long-term fix ticket")
    return values, kept
