"""The action items table's rows (partials/action_items_table.html), written in Python.

The tracker shows 50 rows a page, the editor and the incident page every item of an incident.
Through the template engine a row cost ~35 variable lookups and filters (~0.2 ms a row: half
of the tracker's CPU). Here every value is escaped as autoescaping escaped it (escape, as
``conditional_escape``), into the same markup."""

import html
from urllib.parse import quote

from django import template
from django.utils.safestring import mark_safe

from postmortems.models import ActionItem
from postmortems.people import display_name
from postmortems.templatetags.postmortems import pk_url, pk_urls, shortened, ticket_link, utc

register = template.Library()


def escape(value):
    """``conditional_escape(value)``, without its wrapper's test for lazy text on each of the
    ~500 calls of a tracker page (a third of the rows' time)."""
    if hasattr(value, "__html__"):
        return value.__html__()
    return html.escape(str(value))


PRIORITY_LABELS = dict(ActionItem.Priority.choices)
STATUS_LABELS = dict(ActionItem.Status.choices)
UNLINKED = ('<span class="badge badge-unlinked" title="Actions that address no cause tend to '
            'prevent nothing">Not linked to a cause</span>')


@register.simple_tag(takes_context=True)
def action_rows(context, items, next_url, editable=None, read_only=False, show_incident=False,
                in_place=False):
    """The table's rows: ``items`` (ActionItemQuerySet.for_table, with_incident when
    ``show_incident``, or the tracker's tracker_rows.TrackerRows, read under the same names),
    ``next_url`` the edit links' return URL. An Edit button where the user
    may edit the item: its pk in ``editable`` (a set) when given, else unless ``read_only``;
    ``in_place`` (the editor) swaps the row for its form."""
    rows = _Rows(context, next_url, show_incident, in_place)
    return mark_safe("".join(
        rows.row(item, item.pk in editable if editable not in (None, "") else not read_only)
        for item in items))


class _Rows:
    def __init__(self, context, next_url, show_incident, in_place):
        self.context = context
        self.next = escape(next_url)
        self.next_query = escape(quote(str(next_url)))  # |urlencode
        self.show_incident = show_incident
        self.in_place = in_place
        self.incident_url = pk_urls("postmortems:incident_detail")
        self.edit_url = pk_urls("postmortems:action_edit")

    def row(self, item, can_edit):
        pk = item.pk
        text = escape(item.text)
        flag = (' class="table-danger"' if item.is_orphaned
                else ' class="table-warning"' if item.is_overdue else "")
        incident = ""
        if self.show_incident:
            url = escape(self.incident_url(item.incident_id))
            title = escape(shortened(item.incident.title, 40))
            incident = f'<td><a href="{url}">#{item.incident_id} {title}</a></td>'
        edit = ""
        if can_edit:
            url = escape(self.edit_url(pk))
            in_place = (f'\n   hx-get="{url}" hx-target="#action-{pk}" hx-swap="outerHTML"'
                        if self.in_place else "")
            edit = (f'<a class="btn btn-outline-secondary btn-sm" href="{url}?next='
                    f'{self.next_query}"{in_place}>Edit<span class="visually-hidden"> {text}'
                    f'</span></a>')
        return (
            f'\n    <tr id="action-{pk}"{flag}>\n'
            f'      {incident}\n'
            f'      <td><span class="badge text-bg-dark" title="'
            f'{escape(PRIORITY_LABELS.get(item.priority, item.priority))}">'
            f'{escape(item.priority)}</span></td>\n'
            f'      <td>{text}<div>{self.badges(item)}</div></td>\n'
            f'      <td>{self.owner(item)}</td>\n'
            f'      <td class="text-nowrap">{item.due.isoformat() if item.due else "—"}</td>\n'
            f'      <td>{self.ticket(item, text, can_edit)}</td>\n'
            f'      <td>{escape(STATUS_LABELS.get(item.status, item.status))}'
            f'{self.wont_do(item)}</td>\n'
            f'      <td class="small">{self.cause(item)}</td>\n'
            f'      <td>{edit}</td>\n'
            f'    </tr>\n  '
        )

    @staticmethod
    def badges(item):
        orphaned = (f'<span class="badge badge-orphaned" data-testid="orphan-badge">Orphaned: '
                    f'{escape(item.orphan_reason)}</span>' if item.is_orphaned else "")
        overdue = (f'<span class="badge badge-overdue">Overdue since {item.due.isoformat()}'
                   f'</span>' if item.is_overdue else "")
        unlinked = "" if item.addresses_why_id or item.addresses_factor_id else UNLINKED
        return f"{orphaned}\n{overdue}\n{unlinked}"

    @staticmethod
    def owner(item):
        if item.owner_id:
            deactivated = ("" if item.owner.is_active
                           else ' <span class="text-body-secondary">(deactivated)</span>')
            return f"{escape(display_name(item.owner))}{deactivated}"
        if item.owner_name:
            return (f'{escape(item.owner_name)} '
                    '<span class="text-body-secondary">(not a user)</span>')
        return '<span class="text-body-secondary">nobody</span>'

    def ticket(self, item, text, can_edit):
        """The ticket linked in a tracker with its state, else the ticket as typed (a link by
        TICKET_URL_TEMPLATE) and, where a tracker is set up, the buttons to create or link one
        (trackers/partials/ticket.html shows the same)."""
        link = item.linked_ticket
        if link:
            ticket = (f'<a href="{escape(link.url)}" rel="noopener noreferrer">'
                      f'{escape(link.key)}</a>' if link.url else escape(item.ticket or ""))
            if link.state == "pending":
                state = ('<span class="badge text-bg-info" data-testid="ticket-state">'
                         'being created</span>')
            elif link.state == "closed":
                state = ('<span class="badge text-bg-success" data-testid="ticket-state" '
                         'title="Closed in the tracker">'
                         f'{escape(link.state_name or "closed")}</span>')
            else:
                state = ('<span class="badge text-bg-primary" data-testid="ticket-state" '
                         f'title="Open in the tracker">{escape(link.state_name or "open")}</span>')
            since = link.not_synced_since
            not_synced = (f'<span class="badge text-bg-warning" data-testid="ticket-not-synced" '
                          f'title="{escape(link.last_error)}">not synced since '
                          f'{escape(utc(since, "%Y-%m-%d %H:%M"))}</span>' if since else "")
            return (f'<span class="text-nowrap" data-testid="ticket">{ticket}\n{state}</span>\n'
                    f'{not_synced}\n')
        typed = ticket_link(item.ticket)
        html = escape(typed) if typed else "—"
        if item.trackers_on and can_edit:
            create = ""
            if not item.ticket:
                create = (f'\n<form method="post" action="'
                          f'{escape(pk_url("trackers:ticket_create", item.pk))}" class="d-inline">'
                          f'{self.csrf_input()}'
                          f'<input type="hidden" name="next" value="{self.next}">'
                          f'<button class="btn btn-outline-primary btn-sm py-0" type="submit" '
                          f'aria-label="Create ticket for {text}">Create ticket</button></form>')
            html += (f'<div class="mt-1 no-print">{create}\n<a class="btn btn-link btn-sm py-0" '
                     f'href="{escape(pk_url("trackers:ticket", item.pk))}?next={self.next_query}" '
                     f'aria-label="Link existing ticket to {text}">Link existing</a></div>')
        return html

    def csrf_input(self):
        """What {% csrf_token %} renders (the token is read only when a form needs it)."""
        token = self.context.get("csrf_token")
        if not token or token == "NOTPROVIDED":
            return ""
        return f'<input type="hidden" name="csrfmiddlewaretoken" value="{escape(token)}">'

    @staticmethod
    def wont_do(item):
        if item.status != ActionItem.Status.WONT_DO:
            return ""
        return f'<div class="small text-body-secondary">{escape(item.wont_do_reason)}</div>'

    @staticmethod
    def cause(item):
        if item.addresses_why_id:
            return f"Why {escape(item.cause_position)}"
        if item.addresses_factor_id:
            return f"Factor: {escape(shortened(item.cause_text, 40))}"
        return "—"
