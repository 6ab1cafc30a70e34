"""A bounded YAML loader for files people upload.

``load(text)`` reads YAML with PyYAML's safe loader and refuses, with a message naming the line
or the field, everything that lets a small file cost a lot or store what the database cannot:

- a file over ``max_bytes`` (1 MB by default);
- aliases (``*name``): refused outright by default ("write the value out"); with
  ``allow_aliases=True`` the whole document, aliases expanded, may hold at most ``max_nodes``
  values (the billion-laughs file stops at the budget, not in memory);
- nesting deeper than ``max_depth`` (50k-deep brackets otherwise exhaust the stack);
- NaN and infinities, NUL characters, and integers beyond 64 bits, each with its path
  (``slos[2].target``);
- anything the YAML parser itself rejects, with the line and column.

A UTF-8 byte-order mark is accepted (bytes or text). ``YAMLRefused.errors`` is a list of
"where: what" messages, the shape the SLO importers report.
"""

import math

import yaml

MAX_BYTES = 1_000_000
MAX_DEPTH = 50
MAX_NODES = 100_000
LARGEST_INTEGER = 2**63 - 1


class YAMLRefused(ValueError):
    """The document was refused whole; ``errors`` lists "where: what" messages."""

    def __init__(self, errors):
        self.errors = list(errors)
        super().__init__("; ".join(self.errors))


def load(source, *, max_bytes=MAX_BYTES, max_depth=MAX_DEPTH, max_nodes=MAX_NODES,
         allow_aliases=False):
    """The Python value of a YAML document (str or UTF-8 bytes), or YAMLRefused."""
    text = _text(source, max_bytes)
    loader = None
    try:
        # The reader checks the characters as it is built: a control character is refused here.
        loader = _BoundedLoader(text, max_depth=max_depth, max_nodes=max_nodes,
                                allow_aliases=allow_aliases)
        document = loader.get_single_data()
    except _Refused as refused:
        raise YAMLRefused([str(refused)]) from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
        where = f"line {mark.line + 1}, column {mark.column + 1}: " if mark else ""
        problem = getattr(exc, "problem", None) or str(exc)
        raise YAMLRefused([f"not valid YAML: {where}{problem}"]) from None
    except (ValueError, OverflowError, RecursionError) as exc:
        # e.g. an integer literal of thousands of digits, a malformed timestamp.
        reason = str(exc).split(":")[0]
        raise YAMLRefused([f"not valid YAML: a value cannot be read ({reason})"]) from None
    finally:
        if loader is not None:
            loader.dispose()
    try:
        errors = list(_unsafe_values(document, ""))
    except RecursionError:
        errors = [f"aliases nest the document deeper than {max_depth} levels"]
    if errors:
        raise YAMLRefused(errors[:20])
    return document


def _text(source, max_bytes):
    size = len(source) if isinstance(source, bytes) else len(source.encode("utf-8", "replace"))
    if size > max_bytes:
        raise YAMLRefused([f"the file is {_size(size)}; the limit is {_size(max_bytes)} "
                           "(split it into several files)"])
    if isinstance(source, bytes):
        try:
            source = source.decode("utf-8-sig")
        except UnicodeDecodeError:
            raise YAMLRefused(["the file is not UTF-8 text"]) from None
    return source.removeprefix("\ufeff")


def _size(count):
    if count >= 1_000_000:
        return f"{count / 1_000_000:.1f} MB"
    return f"{count / 1000:.0f} kB" if count >= 1000 else f"{count} bytes"


class _Refused(Exception):
    pass


class _BoundedLoader(yaml.SafeLoader):
    """SafeLoader that counts depth and values while composing, before anything is built."""

    def __init__(self, stream, *, max_depth, max_nodes, allow_aliases):
        super().__init__(stream)
        self._max_depth, self._max_nodes = max_depth, max_nodes
        self._allow_aliases = allow_aliases
        self._depth = self._nodes = 0
        self._sizes = {}

    def compose_node(self, parent, index):
        if self.check_event(yaml.AliasEvent):
            event = self.peek_event()
            if not self._allow_aliases:
                raise _Refused(f"line {event.start_mark.line + 1}: aliases (*{event.anchor}) "
                               "are not accepted; write the value out")
            node = super().compose_node(parent, index)
            if isinstance(node, yaml.CollectionNode) and node.end_mark is None:
                raise _Refused(f"line {event.start_mark.line + 1}: a recursive alias "
                               f"(*{event.anchor} inside its own anchor)")
            self._count(self._expanded_size(node, set()), event.start_mark)
            return node
        event = self.peek_event()
        self._depth += 1
        if self._depth > self._max_depth:
            raise _Refused(f"line {event.start_mark.line + 1}: nested deeper than "
                           f"{self._max_depth} levels")
        self._count(1, event.start_mark)
        try:
            return super().compose_node(parent, index)
        finally:
            self._depth -= 1

    def _count(self, size, mark):
        self._nodes += size
        if self._nodes > self._max_nodes:
            raise _Refused(f"line {mark.line + 1}: more than {self._max_nodes:,} values "
                           "(aliases expanded)")

    def _expanded_size(self, node, path):
        """Values under ``node`` with aliases expanded; memoized, so shared nodes cost once."""
        key = id(node)
        if key in self._sizes:
            return self._sizes[key]
        if key in path:
            raise _Refused(f"line {node.start_mark.line + 1}: a recursive alias")
        path.add(key)
        size = 1
        if isinstance(node, yaml.SequenceNode):
            children = node.value
        elif isinstance(node, yaml.MappingNode):
            children = [child for pair in node.value for child in pair]
        else:
            children = []
        for child in children:
            size += self._expanded_size(child, path)
            if size > self._max_nodes:
                break
        path.discard(key)
        self._sizes[key] = size
        return size


def _unsafe_values(value, where):
    label = where or "the document"
    if isinstance(value, float):
        if math.isnan(value):
            yield f"{label}: NaN is not a number"
        elif math.isinf(value):
            yield f"{label}: infinity is not a number"
    elif isinstance(value, bool):
        return
    elif isinstance(value, int):
        if abs(value) > LARGEST_INTEGER:
            yield f"{label}: {str(value)[:20]}… is out of range"
    elif isinstance(value, str):
        if "\x00" in value:
            yield f"{label}: contains a NUL character"
    elif isinstance(value, bytes):
        yield f"{label}: binary values are not accepted"
    elif isinstance(value, dict):
        for key, item in value.items():
            if isinstance(key, str) and "\x00" in key:
                yield f"{label}: a key contains a NUL character"
                continue
            yield from _unsafe_values(item, f"{where}.{key}" if where else str(key))
    elif isinstance(value, list | tuple | set):
        for index, item in enumerate(value):
            yield from _unsafe_values(item, f"{where}[{index}]")
