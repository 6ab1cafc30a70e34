"""Rendered HTML kept per process by what it is made of, so a page shown again unchanged (the
editor on every load and live refresh) is not rendered again through the template engine.

The rule: a kept piece is keyed by every value it is made of, read in the same request — the
rows it shows as the database gave them (every column, annotation and related row read with
them), the names it checks, the template itself, the script prefix and the settings its
filters read — and compared whole, never by a digest: any difference renders it afresh, so it
can never be stale. Its template must read nothing else (no query of its own while rendering:
tests/postmortems/test_kept_sections.py counts them). The request's CSRF token is never kept:
it is put in on the way out.
"""

import contextlib
import dataclasses
import datetime
import decimal
import functools
import uuid

from django.conf import settings
from django.db import models
from django.urls import get_script_prefix
from django.utils.functional import LazyObject, empty
from django.utils.safestring import mark_safe

PLAIN = frozenset({str, int, float, bool, type(None), decimal.Decimal, datetime.datetime,
                   datetime.date, datetime.time, datetime.timedelta, uuid.UUID})
PLAIN_KINDS = tuple(PLAIN)  # and their subclasses: choices (a str enum), a SafeString
CSRF_PLACE = "\x00csrf-token\x00"


def made_of(value):
    """``value`` as a plain hashable value that is equal for equal contents: a model instance
    as its class and every attribute the database gave it (fields, annotations), with the
    related rows read with it (select_related, prefetch_related, the owner a related manager
    set); dataclasses, lists, tuples, sets and dicts item by item. An instance met again
    (a timeline entry's postmortem) is named by its place in the first one met. Anything else
    is refused (TypeError): a value that cannot be compared by its contents cannot key HTML."""
    return _made_of(value, {})


def _made_of(value, seen):
    kind = type(value)
    if kind in PLAIN:
        return value
    if kind is tuple or kind is list:  # the most common containers, before any isinstance
        return tuple([item if type(item) in PLAIN else _made_of(item, seen) for item in value])
    if isinstance(value, PLAIN_KINDS):
        return value
    if isinstance(value, LazyObject):
        if value._wrapped is empty:
            value._setup()
        return _made_of(value._wrapped, seen)
    if isinstance(value, (list, tuple)):
        return tuple([item if type(item) in PLAIN else _made_of(item, seen) for item in value])
    if isinstance(value, dict):
        return tuple([(_made_of(key, seen), _made_of(item, seen))
                      for key, item in value.items()])
    if isinstance(value, (set, frozenset)):
        return frozenset([_made_of(item, seen) for item in value])
    if isinstance(value, models.Model):
        return _model_made_of(value, seen)
    names = _dataclass_fields(kind)
    if names is not None:
        return (type(value), *[item if type(item) in PLAIN else _made_of(item, seen)
                               for item in map(value.__getattribute__, names)])
    raise TypeError(f"{kind.__qualname__} cannot key kept HTML")


@functools.lru_cache(maxsize=256)
def _dataclass_fields(kind):
    """The field names of a dataclass (``kind``), or None for any other class: looked up
    once per class (a 100-entry timeline is 100 of them)."""
    if not dataclasses.is_dataclass(kind):
        return None
    return tuple(field.name for field in dataclasses.fields(kind))


def _model_made_of(instance, seen):
    if id(instance) in seen:
        return seen[id(instance)][1]
    seen[id(instance)] = (instance, ("again", len(seen)))  # the instance kept alive meanwhile
    related = instance._state.fields_cache
    prefetched = instance.__dict__.get("_prefetched_objects_cache")
    return (
        type(instance),
        tuple([(name, value if type(value) in PLAIN else _made_of(value, seen))
               for name, value in vars(instance).items() if name[0] != "_"]),
        tuple([(name, _made_of(row, seen)) for name, row in related.items()]) if related else (),
        tuple([(name, _made_of(list(rows), seen)) for name, rows in prefetched.items()])
        if prefetched else (),
    )


class KeptHTML:
    """HTML by key, at most ``budget`` characters in all: when full, everything is forgotten
    at once (one step, safe beside the worker's other threads); a piece larger than an
    eighth of the budget is not kept."""

    def __init__(self, budget):
        self.budget = budget
        self._html, self._size = {}, 0

    def get(self, key):
        return self._html.get(key)

    def keep(self, key, html):
        if len(html) > self.budget // 8:
            return
        if self._size + len(html) > self.budget:
            self._html, self._size = {}, 0
        self._html[key] = html
        self._size += len(html)

    def clear(self):
        self._html, self._size = {}, 0


KEPT = KeptHTML(budget=4_000_000)


def render_kept(template, context, contents):
    """``template`` rendered with ``context`` (as {% include %} does), kept by ``contents``
    (what it is made of, a tuple: see made_of) and what every template here depends on
    besides; rendered afresh, never kept, when ``contents`` is anything but a non-empty tuple
    (None; the engine's empty string for a missing variable, which would be one key for every
    postmortem) or holds a value made_of refuses."""
    key = None
    if type(contents) is tuple and contents:
        with contextlib.suppress(TypeError):  # a value made_of refuses
            key = (template, get_script_prefix(), settings.TICKET_URL_TEMPLATE,
                   made_of(contents))
    if key is None:
        return mark_safe(template.render(context))
    token = str(context.get("csrf_token") or "")
    html = KEPT.get(key)
    if html is None:
        html = template.render(context)
        KEPT.keep(key, html.replace(token, CSRF_PLACE) if token else html)
        return mark_safe(html)
    return mark_safe(html.replace(CSRF_PLACE, token))
