"""The dashboard's four short lists (home.html), their rows written in Python.

Through the template engine each row cost its lookups, filters and, for an action item, an
included template of badges (~0.05 ms a row: ~1.3 of the page's ~2.6 ms of rendering). Here
every value is escaped as autoescaping escaped it (``conditional_escape``), into the same
markup (the badges are those of partials/item_badges.html without "not linked"); the
{% empty %} text of a list stays in the template."""

from django import template
from django.utils.html import conditional_escape as escape
from django.utils.safestring import mark_safe

from postmortems.templatetags.postmortems import pk_url, severity_badge, utc

register = template.Library()

ROW = "\n      <li class=\"list-group-item\">{}</li>\n    "


def _rows(rows):
    return mark_safe("".join(ROW.format(row) for row in rows))


def _incident_link(incident):
    url = escape(pk_url("postmortems:incident_detail", incident.pk))
    return f'<a href="{url}">#{incident.pk} {escape(incident.title)}</a>'


@register.simple_tag
def open_incident_rows(incidents):
    """postmortems.attention.OpenIncident rows: severity, link, since when."""
    return _rows(
        f"{severity_badge(incident)} {_incident_link(incident)} <span class=\"small "
        f"text-body-secondary\">since {escape(utc(incident.started_at, '%Y-%m-%d %H:%M'))}"
        "</span>" for incident in incidents)


@register.simple_tag
def due_incident_rows(incidents):
    """postmortems.attention.DueIncident rows: link, the postmortem's state."""
    return _rows(
        f"{_incident_link(incident)} <span class=\"small text-body-secondary\">"
        f"{escape((incident.postmortem_state_display or 'not started').lower())}</span>"
        for incident in incidents)


@register.simple_tag
def action_item_rows(items, show_owner=False):
    """postmortems.attention.ListedItem rows: link, badges, (owner ·) incident."""
    return _rows(
        f'<a href="{escape(pk_url("postmortems:action_edit", item.pk))}">{escape(item.text)}'
        f"</a> {_badges(item)} <div class=\"small text-body-secondary\">"
        f"{_owner(item) if show_owner else ''}#{item.incident_id} "
        f"{escape(item.incident_title)}</div>" for item in items)


def _badges(item):
    orphaned = (f'<span class="badge badge-orphaned" data-testid="orphan-badge">Orphaned: '
                f"{escape(item.orphan_reason)}</span>" if item.is_orphaned else "")
    overdue = (f'<span class="badge badge-overdue">Overdue since {item.due.isoformat()}'
               "</span>" if item.is_overdue else "")
    return f"\n{orphaned}\n{overdue}\n\n"


def _owner(item):
    return f"{escape(item.owner_display or 'nobody')} · "
