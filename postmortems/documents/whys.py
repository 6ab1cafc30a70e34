"""The 5 whys: a numbered list ``1. Why …? → answer`` (the guide's; ``->``, ``=>`` or ``:``
work too), or ``### Why N: question`` headings with the answer under them (the app's earlier
export); contributing factors as a list under ``### Contributing factors``.

The root cause is the why marked ``**Root cause:**`` / ``(root cause)`` / ``[root cause]``;
with no mark the last why is the root cause, as in the guide's template, unless the section
says ``_Root cause: not marked yet._``. Two marked root causes refuse the document: a chain has
one.
"""

import re
from dataclasses import dataclass, field

from postmortems.documents.errors import MalformedDocument

ARROW = re.compile(r"\s*(?:→|->|=>)\s*")
WHY_HEADING = re.compile(r"^Why (?P<n>\d+)(?P<root> \(root cause\))?\s*[:.]\s*(?P<q>.*)$",
                         re.IGNORECASE)
ROOT_MARK = re.compile(
    r"^\s*(?:\*\*|__)?\s*[\[(]?\s*root cause\s*[\])]?\s*:?\s*(?:\*\*|__)?\s*:?\s*"
    r"|\s*(?:\*\*|__)?[\[(]\s*root cause\s*[\])](?:\*\*|__)?\s*$",
    re.IGNORECASE,
)
NOT_MARKED = "_Root cause: not marked yet._"
MAX_POSITION = 1000  # far more than a chain has; Why.position is a small integer
FACTORS = re.compile(r"^contributing factors?$", re.IGNORECASE)
CHAIN_HEADING = re.compile(r"^(5|five) whys$", re.IGNORECASE)


@dataclass
class Chain:
    whys: list = field(default_factory=list)  # dicts: position, question, answer, root, line
    factors: list = field(default_factory=list)
    sentence: str = ""  # a root-cause section with no chain: the quick template's sentence
    kept: list = field(default_factory=list)  # blocks not placed
    root_inferred: bool = False


def split_why(text, line):
    """'Why did X fail? → answer' → (question, answer, marked)."""
    arrow = ARROW.search(text)
    if arrow:
        question, answer = text[:arrow.start()], text[arrow.end():]
    elif "?" in text:
        cut = text.index("?") + 1
        question, answer = text[:cut], re.sub(r"^\s*[:–—-]\s*", "", text[cut:])  # noqa: RUF001
    elif ": " in text:
        question, _, answer = text.partition(": ")
    else:
        question, answer = text, ""
    question = " ".join(question.split())
    if not question:
        raise MalformedDocument(line, "A why needs its question before the answer.")
    answer, marks = ROOT_MARK.subn("", answer.strip(), count=1)
    return question, answer.strip(), bool(marks)


def read_chain(source, sections):
    """The analysis (and contributing factors) sections → Chain."""
    chain = Chain()
    in_factors = False
    current = None  # a why read from a "### Why N" heading collects the blocks under it
    for section in sections:
        in_factors = section.kind == "factors"
        for block in section.blocks:
            if block.kind == "heading" and block.level >= 3:
                heading = WHY_HEADING.match(block.text.strip())
                if heading:
                    if not 1 <= int(heading["n"]) <= MAX_POSITION:
                        raise MalformedDocument(block.start, f"Why {heading['n']}: whys are "
                                                f"numbered from 1 to {MAX_POSITION}.")
                    current = {"position": int(heading["n"]), "question": heading["q"].strip(),
                               "answer": [], "root": bool(heading["root"]),
                               "line": block.start}
                    chain.whys.append(current)
                    in_factors = False
                    continue
                if FACTORS.match(block.text.strip()) or CHAIN_HEADING.match(block.text.strip()):
                    in_factors, current = bool(FACTORS.match(block.text.strip())), None
                    continue
            if current is not None:
                current["answer"].append(source.text(block.start, block.end))
            elif block.kind == "list" and in_factors:
                chain.factors += [(item.line, item.text) for item in block.items]
            elif block.kind == "list" and block.ordered:
                for item in block.items:
                    question, answer, root = split_why(item.text, item.line)
                    chain.whys.append({"position": len(chain.whys) + 1, "question": question,
                                       "answer": answer, "root": root, "line": item.line})
            elif block.kind == "paragraph" and block.text.strip() == NOT_MARKED:
                chain.root_inferred = None
            else:
                chain.kept.append((section, block))
    for why in chain.whys:
        if isinstance(why["answer"], list):
            why["answer"] = "\n\n".join(why["answer"]).strip()
    check(chain)
    if not chain.whys and chain.kept:
        # "## Root Cause / One sentence." (the quick template): the sentence, not a chain.
        blocks = [block for _, block in chain.kept]
        chain.sentence = source.text(blocks[0].start, blocks[-1].end).strip()
        chain.kept = []
    return chain


def check(chain):
    positions = [why["position"] for why in chain.whys]
    for why in chain.whys:
        if positions.count(why["position"]) > 1:
            raise MalformedDocument(why["line"], f"Why {why['position']} appears twice.")
    roots = [why for why in chain.whys if why["root"]]
    if len(roots) > 1:
        raise MalformedDocument(
            roots[1]["line"], f"Two root causes (why {roots[0]['position']} and why "
            f"{roots[1]['position']}): a chain has one root cause; mark only one.")
    if not roots and chain.whys and chain.root_inferred is not None:
        chain.whys[-1]["root"] = True
        chain.root_inferred = True
    chain.root_inferred = bool(chain.root_inferred)
