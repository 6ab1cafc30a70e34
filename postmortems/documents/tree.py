"""Markdown → top-level blocks with their line numbers, read by markdown-it-py (CommonMark plus
GFM tables). Every reader works on these blocks, never on raw lines, so a table is a table
whatever its spacing, and a list item is a list item however it wraps.

Line numbers are 1-based, as editors show them. ``source(start, end)`` gives the author's own
text back for whatever a reader keeps as written.
"""

import re
from dataclasses import dataclass, field

from markdown_it import MarkdownIt

from postmortems.documents.errors import MalformedDocument

PARSER = MarkdownIt("commonmark", {"html": False}).enable("table")


@dataclass
class ListItem:
    line: int
    number: int | None  # the number of an ordered item ("3." → 3)
    text: str  # the item's Markdown, marker removed, continuation lines dedented


@dataclass
class Block:
    kind: str  # heading, paragraph, table, list, other
    start: int  # first line
    end: int  # last line
    level: int = 0  # heading level
    text: str = ""  # heading or paragraph text (inline Markdown)
    header: list = field(default_factory=list)  # table: header cells
    rows: list = field(default_factory=list)  # table: [(line, [cells])]
    items: list = field(default_factory=list)  # list: [ListItem]
    ordered: bool = False


@dataclass
class Source:
    lines: list
    blocks: list

    def text(self, start, end):
        """The author's lines start..end (inclusive), as written."""
        return "\n".join(self.lines[start - 1:end])


def normalize(text):
    """One form of line ending, no byte-order mark."""
    return text.removeprefix("\ufeff").replace("\r\n", "\n").replace("\r", "\n")


def item_text(lines, start, end, marker_width):
    first = lines[start][marker_width:] if start < len(lines) else ""
    rest = []
    for line in lines[start + 1:end]:
        indent = len(line) - len(line.lstrip(" "))
        rest.append(line[min(indent, marker_width):])
    return "\n".join([first.strip(), *rest]).strip()


def read_blocks(text):
    """Normalized text → Source with its top-level blocks, in order."""
    lines = text.split("\n")
    tokens = PARSER.parse(text)
    blocks = []
    index = 0
    while index < len(tokens):
        token = tokens[index]
        if token.level != 0 or token.nesting == -1 or token.map is None:
            index += 1
            continue
        start, end = token.map[0] + 1, token.map[1]
        closing = index
        if token.nesting == 1:
            depth = 0
            for closing in range(index, len(tokens)):
                depth += tokens[closing].nesting
                if depth == 0:
                    break
        inner = tokens[index:closing + 1]
        blocks.append(block_from(token, inner, lines, start, end))
        index = closing + 1
    return Source(lines, blocks)


def block_from(token, inner, lines, start, end):
    if token.type == "heading_open":
        return Block("heading", start, end, level=int(token.tag[1]), text=inner[1].content)
    if token.type == "paragraph_open":
        return Block("paragraph", start, end, text=inner[1].content)
    if token.type == "table_open":
        return table_block(inner, lines, start, end)
    if token.type in ("bullet_list_open", "ordered_list_open"):
        return list_block(token, inner, lines, start, end)
    return Block("other", start, end)


def cell_count(line):
    inner = line.strip().removeprefix("|").removesuffix("|")
    return len(re.split(r"(?<!\\)\|", inner))


def table_block(inner, lines, start, end):
    header, rows, current, line = [], [], None, start
    for token in inner:
        if token.type == "tr_open":
            current, line = [], token.map[0] + 1
        elif token.type == "inline" and current is not None:
            current.append(token.content.strip())
        elif token.type == "tr_close":
            if not header and line == start:
                header = current
            else:
                if cell_count(lines[line - 1]) > len(header):
                    raise MalformedDocument(line, f"This row has more cells than the header "
                                            f"({len(header)}); escape a “|” in text as “\\|”.")
                rows.append((line, current))
            current = None
    return Block("table", start, end, header=header, rows=rows)


def list_block(token, inner, lines, start, end):
    ordered = token.type == "ordered_list_open"
    items = []
    for item in inner:
        if item.type != "list_item_open" or item.level != 1:
            continue
        first, last = item.map
        marker = item.info if ordered else item.markup
        line = lines[first]
        indent = len(line) - len(line.lstrip(" "))
        width = indent + len(marker) + (1 if ordered else 0)
        # The content starts after the marker and its spaces (at most four count).
        after = line[width:]
        width += min(len(after) - len(after.lstrip(" ")), 4)
        number = int(item.info) if ordered and item.info.isdigit() else None
        items.append(ListItem(first + 1, number, item_text(lines, first, last, width)))
    return Block("list", start, end, items=items, ordered=ordered)
