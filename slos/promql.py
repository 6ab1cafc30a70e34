"""PromQL read by a real parser (``promql-parser``, the Rust parser of GreptimeDB) before it
reaches Prometheus or a rules file.

Rules stated here, used by the form, the file imports, the API and the rules generator:

* an expression that does not parse is refused with where (character, or line and column)
  and why; a range written as the placeholder ``[$window]`` is parsed as a duration;
* ``le`` bucket bounds are written the way Prometheus prints them (``0.250`` -> ``0.25``,
  ``1.0`` -> ``1`` matching ``1`` and ``1.0``, ``+Inf``), so a selector cannot silently
  match no series.
"""

import math
import re

import promql_parser

from slos import budget

WINDOW_PLACEHOLDER = "$window"
# Same length as the placeholder, so positions in errors point into the text as written.
_PLACEHOLDER_STAND_IN = "999999m"
_LE = re.compile(r'\ble\s*(=~|=)\s*"([^"]*)"')
_QUOTED = re.compile(r"'([^']+)'|\"([^\"]+)\"|: (\S+)$")
_MAX_PREFIX_SCAN = 4000
_RANGE = re.compile(r"\[\s*(\d+[smhdw])\s*\]")


class PromQLError(ValueError):
    """An expression that does not parse: ``reason`` from the parser, ``offset`` (0-based)
    where it goes wrong, when known."""

    def __init__(self, expression, reason, offset=None):
        self.expression = expression
        self.reason = reason
        self.offset = offset
        super().__init__(self.message)

    @property
    def where(self):
        if self.offset is None:
            return ""
        before = self.expression[:self.offset]
        line = before.count("\n") + 1
        column = self.offset - (before.rfind("\n") + 1) + 1
        if "\n" in self.expression:
            return f"line {line}, column {column}"
        return f"character {column}"

    @property
    def message(self):
        where = self.where
        return f"not valid PromQL at {where}: {self.reason}" if where else \
            f"not valid PromQL: {self.reason}"


def parse(expression):
    """The parsed expression (the placeholder read as a duration); raises PromQLError."""
    text = expression.replace(WINDOW_PLACEHOLDER, _PLACEHOLDER_STAND_IN)
    if not text.strip():
        raise PromQLError(expression, "the expression is empty")
    try:
        return promql_parser.parse(text)
    except (ValueError, TypeError) as exc:
        reason = str(exc).strip() or "invalid promql query"
        raise PromQLError(expression, reason, _offset(text, reason)) from None


def check(expression):
    """Raise PromQLError unless the expression parses."""
    parse(expression)


def error_in(expression):
    """The refusal message, or "" when the expression parses."""
    try:
        parse(expression)
    except PromQLError as error:
        return error.message
    return ""


def _offset(text, reason):
    """Where the parser's complaint points: the unmatched bracket, the quoted token, or just
    after the longest prefix that still parses."""
    if "unclosed left parenthesis" in reason:
        return _unmatched(text, "(", ")")
    if "unexpected right parenthesis" in reason:
        return _unmatched(text, "(", ")", closing=True)
    if "inside braces" in reason and "end of input" in reason:
        return _unmatched(text, "{", "}")
    match = _QUOTED.search(reason)
    if match:
        token = next(group for group in match.groups() if group)
        found = text.find(token)
        if found >= 0:
            return found
    return _after_longest_valid_prefix(text)


def _unmatched(text, opening, closing_char, closing=False):
    stack, in_string = [], None
    for index, char in enumerate(text):
        if in_string:
            if char == in_string and text[index - 1] != "\\":
                in_string = None
            continue
        if char in "\"'`":
            in_string = char
        elif char == opening:
            stack.append(index)
        elif char == closing_char:
            if not stack:
                return index if closing else None
            stack.pop()
    return None if closing or not stack else stack[-1]


def _after_longest_valid_prefix(text):
    if len(text) > _MAX_PREFIX_SCAN:
        return None
    best = None
    for end in range(1, len(text) + 1):
        try:
            promql_parser.parse(text[:end])
        except (ValueError, TypeError):
            continue
        best = end
    if best is None:
        return 0
    while best < len(text) and text[best].isspace():
        best += 1
    return min(best, len(text) - 1)


# --- what a query counts -----------------------------------------------------------------

PER_SECOND_FUNCTIONS = {"rate", "irate"}


def per_second(expression):
    """Does the expression give events per second (rate) rather than events (increase)?"""
    names = []

    def visit(node):
        function = getattr(node, "func", None)
        if function is not None:
            names.append(function.name)

    promql_parser.walk(parse(expression), visit)
    return bool(PER_SECOND_FUNCTIONS & set(names))


# --- le bucket bounds ------------------------------------------------------------------

def canonical_le(value):
    """A bucket bound as Prometheus prints it: "0.250" -> "0.25", "1.0" -> "1", "+Inf".
    Returns the text unchanged when it is not a number."""
    try:
        number = float(value)
    except ValueError:
        return value
    if math.isinf(number):
        return "+Inf" if number > 0 else "-Inf"
    if math.isnan(number):
        return value
    if number == int(number) and abs(number) < 1e15:
        return str(int(number))
    return repr(number)


def normalise_le(expression):
    """``le="0.250"`` becomes ``le="0.25"``; a whole bound ``le="1"`` (or ``"1.0"``) matches
    both ways exporters write it, before and after Prometheus 3 normalised it."""

    def replace(match):
        operator, value = match.groups()
        if operator == "=~":
            return match.group(0)
        return budget.le_matcher(canonical_le(value))

    return _LE.sub(replace, expression)


def with_window(expression, window):
    """The expression with its range placeholder replaced by a concrete window."""
    return expression.replace(WINDOW_PLACEHOLDER, window)


def placeholder_from_literal(expression, window):
    """Ranges written as a literal equal to the SLO window (``[28d]``) become ``[$window]``,
    so burn-rate windows can be derived from them."""
    return _RANGE.sub(
        lambda match: f"[{WINDOW_PLACEHOLDER}]"
        if budget.parse_duration(match.group(1)) == budget.parse_duration(window)
        else match.group(0),
        expression,
    )
