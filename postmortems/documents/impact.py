"""Impact: ``- Customers affected: 12,400``, ``- Duration: 45 minutes``,
``- Revenue impact: $38,000``, ``- Support tickets: 35`` (the guide's lines, any letter case,
a few usual wordings); everything else in the section is kept as the impact notes."""

import re

from postmortems.documents.numbers import parse_count, parse_duration, parse_money

LINE = re.compile(r"^(?P<label>[^:]{1,40}):\s*(?P<value>.*)$", re.DOTALL)
FIELDS = {
    "customers affected": "customers_affected", "customers": "customers_affected",
    "users affected": "customers_affected", "affected customers": "customers_affected",
    "duration": "impact_minutes", "duration (minutes)": "impact_minutes",
    "impact duration": "impact_minutes", "customer impact duration": "impact_minutes",
    "revenue impact": "revenue_impact", "revenue": "revenue_impact",
    "revenue lost": "revenue_impact", "lost revenue": "revenue_impact",
    "support tickets": "support_tickets", "tickets": "support_tickets",
}
NOT_GIVEN = {"", "—", "-", "n/a", "na", "none", "unknown", "tbd", "?"}


def read_value(name, label, value, line):
    if name == "revenue_impact":
        amount, currency = parse_money(value, line)
        return {"revenue_impact": amount, "revenue_currency": currency}
    if name == "impact_minutes" and not re.fullmatch(r"[0-9][0-9,. ]*", value):
        return {name: round(parse_duration(value, line).total_seconds() / 60)}
    return {name: parse_count(value, line, label)}


def read_impact(source, section):
    """Section → ({field: value}, notes Markdown)."""
    values, notes = {}, []
    for block in section.blocks if section else []:
        if block.kind != "list" or block.ordered:
            notes.append(source.text(block.start, block.end))
            continue
        rest = []
        for item in block.items:
            match = LINE.match(item.text.replace("*", "").strip())
            name = FIELDS.get(" ".join(match["label"].lower().split())) if match else None
            if name is None or name in values:
                rest.append(f"- {item.text}")
                continue
            value = match["value"].strip()
            if value.lower() not in NOT_GIVEN:
                values.update(read_value(name, match["label"].strip(), value, item.line))
            else:
                values[name] = None
        if rest:
            notes.append("\n".join(rest))
    return {key: value for key, value in values.items() if value is not None}, \
        "\n\n".join(notes).strip()
