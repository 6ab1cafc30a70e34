"""Block-style YAML text for plain data (dicts, lists, strings, numbers, booleans, None),
written directly: the rules file of 1,000 SLOs is ~6 MB and 10,000+ rules, where PyYAML's
emitter (even libyaml's) spent over a second representing node by node.

The output reads back (``yaml.safe_load``) as exactly the data given: strings that could read
as anything else are double-quoted with escapes; multi-line strings are literal blocks (``|``)
when that keeps them exact, else double-quoted. Mapping keys keep their order.
"""

import json
import re
from functools import lru_cache

# A plain scalar that reads back as the same string in YAML 1.1 and 1.2: starts with a
# letter or underscore, no spaces or indicators, not ending with ":".
_PLAIN = re.compile(r"[A-Za-z_](?:[A-Za-z0-9_:./-]*[A-Za-z0-9_./-])?\Z")
_RESERVED = {"y", "n", "yes", "no", "on", "off", "true", "false", "null", "nan", "inf"}
# What a double-quoted JSON string leaves unescaped but YAML reads otherwise (line breaks
# that fold, non-printable characters, lone surrogates, the byte order mark).
_NOT_PRINTABLE = re.compile("[\x7f-\x9f\u2028\u2029\ud800-\udfff\ufeff\ufffe\uffff]")


def dump(data):
    """``data`` as YAML text (a mapping or a list at the top)."""
    lines = []
    _node(data, 0, lines)
    return "\n".join(lines) + "\n"


def _node(value, indent, lines):
    if isinstance(value, dict) and value:
        _mapping(value, indent, lines)
    elif isinstance(value, list | tuple) and value:
        _sequence(value, indent, lines)
    else:
        lines.append(" " * indent + _scalar(value, indent))


def _mapping(mapping, indent, lines):
    pad = " " * indent
    for key, value in mapping.items():
        head = f"{pad}{_inline(str(key))}:"
        if isinstance(value, dict) and value:
            lines.append(head)
            _mapping(value, indent + 2, lines)
        elif isinstance(value, list | tuple) and value:
            lines.append(head)
            _sequence(value, indent, lines)  # "key:\n- item", as PyYAML writes it
        else:
            lines.append(f"{head} {_scalar(value, indent + 2)}")


def _sequence(items, indent, lines):
    pad = " " * indent
    for item in items:
        if isinstance(item, dict) and item:
            start = len(lines)
            _mapping(item, indent + 2, lines)
            lines[start] = f"{pad}- {lines[start][indent + 2:]}"
        elif isinstance(item, list | tuple) and item:
            lines.append(f"{pad}-")
            _sequence(item, indent + 2, lines)
        else:
            lines.append(f"{pad}- {_scalar(item, indent + 2)}")


def _scalar(value, indent):
    if value is None:
        return "null"
    if value is True or value is False:
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if value != value:
            return ".nan"
        if value in (float("inf"), float("-inf")):
            return ".inf" if value > 0 else "-.inf"
        text = repr(value)  # YAML 1.1 reads "1e-05" as a string: write "1.0e-05"
        return text if "." in text else text.replace("e", ".0e", 1)
    if isinstance(value, dict | list | tuple):
        return "{}" if isinstance(value, dict) else "[]"
    value = str(value)
    if "\n" in value and _literal_ok(value):
        chomp = "" if value.endswith("\n") else "-"
        pad = " " * indent
        body = value[:-1] if value.endswith("\n") else value
        return f"|{chomp}\n" + "\n".join(pad + line if line else "" for line in
                                         body.split("\n"))
    return _inline(value)


@lru_cache(maxsize=8192)
def _inline(value):
    """A one-line scalar: plain when it cannot read as anything else, else double-quoted."""
    if _PLAIN.match(value) and value.lower() not in _RESERVED:
        return value
    quoted = json.dumps(value, ensure_ascii=False)
    return _NOT_PRINTABLE.sub(lambda match: f"\\u{ord(match.group()):04x}", quoted)


def _literal_ok(value):
    """A literal block keeps the text exactly: no leading space or blank first line, at most
    one final line break, no trailing white space, nothing non-printable."""
    if value[0] in " \n" or value.endswith("\n\n") or _NOT_PRINTABLE.search(value):
        return False
    for line in value.split("\n"):
        if line != line.rstrip(" \t") or line.startswith("\t"):
            return False
        if any(ch < " " and ch != "\t" for ch in line):
            return False
    return True
