"""Template filters of the postmortems app. `markdown` is the ONE place rendered Markdown is
marked safe."""

import functools
import hashlib
import html
import re
import unicodedata
from datetime import UTC, datetime
from urllib.parse import quote

from django import template
from django.conf import settings
from django.forms.models import ModelChoiceIterator
from django.template.defaultfilters import truncatechars
from django.template.loader import render_to_string
from django.urls import get_script_prefix, reverse
from django.utils.html import conditional_escape as escape
from django.utils.html import format_html
from django.utils.safestring import mark_safe

from postmortems import blameless, durations, kept_html
from postmortems import markdown as markdown_module
from postmortems.people import display_name

register = template.Library()

TICKET_KEY = re.compile(r"^[A-Z][A-Z0-9_]+-\d+$")


register.filter("display_name", display_name)
register.filter("duration", durations.span)


@register.filter
def markdown(text):
    """Markdown → sanitized HTML (see postmortems/markdown.py)."""
    return mark_safe(markdown_module.render(text))  # cleaned by the nh3 allow-list


@register.filter(is_safe=True)
def shorten(text, length):
    """What truncatechars gives for plain text (at most ``length`` characters, the last one
    "…" when cut) without its translation lookup and Unicode pass on every call: the
    dashboard's 105 titles of recurring causes took 2 of its 7 ms of rendering."""
    text, length = str(text), int(length)
    return text if len(text) <= length else text[:length - 1] + "…"


@register.filter
def utc(value, fmt="%Y-%m-%d %H:%M:%S"):
    """An aware datetime as "2026-03-04 10:05:00 UTC"; empty for None."""
    if not isinstance(value, datetime):
        return ""
    return f"{value.astimezone(UTC).strftime(fmt)} UTC"


def ticket_url(ticket):
    ticket = (ticket or "").strip()
    if ticket.startswith(("https://", "http://")):
        return ticket
    if TICKET_KEY.match(ticket) and settings.TICKET_URL_TEMPLATE:
        return settings.TICKET_URL_TEMPLATE.replace("{key}", quote(ticket))
    return ""


@register.filter
def ticket_link(ticket):
    """A ticket key or URL as a link (TICKET_URL_TEMPLATE turns keys into URLs)."""
    url = ticket_url(ticket)
    if url:
        return format_html('<a href="{}" rel="noopener noreferrer">{}</a>', url, ticket)
    return ticket or ""


@register.filter(is_safe=True)
def shortened(value, length):
    """``value|truncatechars:length``, without going through the text a character at a time
    when it is short enough already (Django's Truncator does: ~0.1 ms a title)."""
    if isinstance(value, str) and len(value) <= int(length):
        return unicodedata.normalize("NFC", value)  # what truncatechars gives back for it
    return truncatechars(value, length)


@register.simple_tag
def blameless_hints(text, people=()):
    """Hints for a text; any other value (a ticked box, a number) has none. Nothing is
    rendered for a text without findings (most of them: a page checks every timeline row)."""
    findings = blameless.check(text if isinstance(text, str) else "", people)
    if not findings:
        return ""
    return render_to_string("postmortems/partials/blameless_hints.html", {"findings": findings})


@register.simple_tag
def severity_badge(incident):
    """The incident's severity as a badge coloured by its level (a tag, not an included
    template: the incident list shows 25 of them)."""
    label = escape(incident.get_severity_display())
    return mark_safe(f'<span class="badge sev-{escape(incident.severity)}" title="{label}">'
                     f'{label}</span>')


LIST_TIME = "%Y-%m-%d %H:%M"


@register.simple_tag
def incident_row(incident):
    """A row of the incident list (a ListedIncident), written here, each value escaped as
    autoescaping escaped it, rather than by the template engine: its ~20 lookups, filters
    and tags a row cost ~1.5 ms a page of 25."""
    pk = int(incident.pk)
    orphans = ('<span class="badge badge-orphaned">Orphaned action items</span>'
               if incident.has_orphans else "")
    services = "".join(f'<span class="badge text-bg-light border">{escape(name)}</span> '
                       for name in incident.service_names)
    postmortem = ('<span class="text-body-secondary">none</span>'
                  if incident.postmortem_state is None
                  else escape(incident.get_postmortem_state_display()))
    return mark_safe(
        f'\n  <tr>\n'
        f'    <td><a href="{escape(pk_url("postmortems:incident_detail", pk))}">#{pk} '
        f'{escape(incident.title)}</a>\n'
        f'      {orphans}</td>\n'
        f'    <td>{severity_badge(incident)}</td>\n'
        f'    <td>{escape(incident.get_status_display())}</td>\n'
        f'    <td class="text-nowrap">{escape(utc(incident.started_at, LIST_TIME))}</td>\n'
        f'    <td>{services}</td>\n'
        f'    <td>{postmortem}</td>\n'
        f'    <td>{escape(incident.owner_username or "—")}</td>\n'
        f'  </tr>\n  '
    )


_PK_SENTINEL = "987654321"


@functools.lru_cache(maxsize=256)
def _pk_url_parts(name, script_prefix):
    url = reverse(name, args=[int(_PK_SENTINEL)])
    return tuple(url.split(_PK_SENTINEL)) if url.count(_PK_SENTINEL) == 1 else None


@register.simple_tag
def pk_url(name, pk):
    """The same as {% url name pk %} for a URL whose one argument is an integer id, reversed
    once per URL name instead of once per row (the timeline's 100 rows reversed two URLs
    each: 4 ms of a 14 ms timeline)."""
    return pk_urls(name)(pk)


def pk_urls(name):
    """pk_url for the URL ``name``, as a function of the id, the script prefix read once:
    for many rows (the tracker's 100 links read it 100 times otherwise)."""
    parts = _pk_url_parts(name, get_script_prefix())
    if parts is None:
        return lambda pk: reverse(name, args=[pk])
    before, after = parts
    return lambda pk: f"{before}{int(pk)}{after}"


@register.simple_tag
def incident_links(incidents, title_length=40):
    """Links to these incidents (anything with ``pk`` and ``title``) as "#12 Title", the
    title shortened to ``title_length``, separated by " · ": what a loop over them with
    {% pk_url %} and |shorten gives, without the template's work per link (the dashboard's
    recurring root causes link ~100 incidents)."""
    url = "postmortems:incident_detail"
    # html.escape is Django's escape (django.utils.html) without its lazy-text wrapper.
    return mark_safe(" · ".join(
        f'<a href="{html.escape(pk_url(url, incident.pk))}">#{int(incident.pk)} '
        f'{html.escape(shorten(incident.title, title_length))}</a>' for incident in incidents))


# Rendered crispy fields, by what their HTML is made of: at most FIELD_CACHE_SIZE per process,
# each at most FIELD_CACHE_LARGEST characters (a long document field is rendered each time).
FIELD_CACHE_SIZE = 512
FIELD_CACHE_LARGEST = 32_000
_field_html = {}


def _model_choices(model_field):
    """A model choice field's choices, as its own iterator gives them, from one plain query:
    the iterator reads through a server-side cursor (DECLARE, FETCH and CLOSE, three round
    trips: ~1 ms for the tracker's 50 services against ~0.5 ms), and asking len() first would
    COUNT(*) them."""
    iterator = model_field.choices
    if type(iterator) is not ModelChoiceIterator:  # choices given (a list), or another iterator
        yield from iterator
        return
    if model_field.empty_label is not None:
        yield ("", model_field.empty_label)
    for obj in iterator.queryset.all():
        yield iterator.choice(obj)


@register.filter
def as_field(field):
    """``field|as_crispy_field``, remembered: crispy's templates take ~1 ms a field, and the
    editor shows the same empty add forms on every load. The key is everything the HTML is
    made of — the widget's own HTML (value, choices, attributes), label, help text, errors,
    required — so a field that differs in any of them is rendered afresh. Nothing of the
    request (the CSRF token is outside the fields) goes in."""
    from crispy_forms.templatetags.crispy_forms_filters import as_crispy_field

    if hasattr(field.field, "queryset") and not isinstance(field.field.choices, list):
        # Read the choices once (unless given already): the key and crispy share them.
        field.field.choices = list(_model_choices(field.field))
    key = hashlib.blake2b("\x00".join(map(str, (
        type(field.form).__qualname__, type(field.field.widget).__qualname__,
        field.html_name, field.auto_id, field.label, field.help_text, field.field.required,
        field.css_classes(), list(field.errors), field.is_hidden, *_widget_key(field),
    ))).encode(), digest_size=20).digest()
    html = _field_html.get(key)
    if html is None:
        html = as_crispy_field(field)
        if len(html) <= FIELD_CACHE_LARGEST:
            if len(_field_html) >= FIELD_CACHE_SIZE:
                _field_html.clear()  # one step, safe beside another thread of the worker
            _field_html[key] = html
    return html


TIMELINE_ROW_TEMPLATE = "postmortems/partials/timeline_row.html"
TIMELINE_ROW_CACHE_SIZE = 4096
_CSRF_PLACE = "\x00csrf-token\x00"
_timeline_row_html = {}


@register.simple_tag(takes_context=True)
def timeline_row(context, entry):
    """A timeline entry's row (partials/timeline_row.html), remembered per process by what
    it is made of: the entry's id, time, kind and text, the names the blameless hints look
    for and the script prefix, so an entry that differs in any of them is rendered afresh.
    The request's CSRF token is put in on the way out, never kept. (Through the template
    engine a row costs ~0.13 ms: 13 ms for a 100-entry timeline on every load and refresh.)"""
    people = context.get("people", ())
    people_key = context.render_context.get("timeline_row_people")
    if people_key is None or people_key[0] is not people:
        people_key = context.render_context["timeline_row_people"] = (people, hash(people))
    key = (entry.pk, entry.at, entry.kind, entry.text, people_key[1], get_script_prefix())
    token = str(context.get("csrf_token") or "")
    html = _timeline_row_html.get(key)
    if html is None:
        row = context.template.engine.get_template(TIMELINE_ROW_TEMPLATE)
        with context.push(entry=entry):
            html = row.render(context)
        if token:
            html = html.replace(token, _CSRF_PLACE)
        if len(_timeline_row_html) >= TIMELINE_ROW_CACHE_SIZE:
            _timeline_row_html.clear()  # one step, safe beside another thread of the worker
        _timeline_row_html[key] = html
    return mark_safe(html.replace(_CSRF_PLACE, token))


@register.simple_tag(takes_context=True)
def include_kept(context, template_name, contents):
    """``{% include template_name %}``, kept per process by what it is made of: ``contents``,
    a tuple of everything the template shows (see postmortems.kept_html); anything else (None,
    a variable the context lacks) renders it afresh."""
    template = context.template.engine.get_template(template_name)
    return kept_html.render_kept(template, context, contents)


def _widget_key(field):
    """What the field's widget HTML is made of. For one of Django's own widgets (or one
    marked ``cacheable``), its inputs (rendering it costs as much as crispy's wrapper; model
    choices' values by their text, not the repr of their wrapper objects): in a filled form
    too, whose value() is the submitted one (the tracker's filters are a filled form on every
    filtered page: its seven widgets rendered for the key cost ~3 ms a page). Otherwise, or
    beside a hidden initial value (not in the key once the form is filled), the HTML itself."""
    widget = field.field.widget
    if (field.form.is_bound and field.field.show_hidden_initial) or not (
            type(widget).__module__ == "django.forms.widgets"
            or getattr(widget, "cacheable", False)):
        return (field.as_widget(),)
    return (sorted(widget.attrs.items()), widget.template_name, repr(field.value()),
            getattr(widget, "format", None), getattr(widget, "input_type", None),
            [(str(value), str(label)) for value, label in getattr(widget, "choices", ())],
            widget.is_localized, field.field.disabled,
            field.field.show_hidden_initial, field.form.use_required_attribute)
