"""The dashboard's lists written in Python (templatetags/dashboard.py) give the markup the
template loops gave, every value escaped."""

from datetime import UTC, date, datetime

from django.template import engines

from postmortems.attention import DueIncident, ListedItem, OpenIncident

INCIDENT_LINK = ("<a href=\"{% pk_url 'postmortems:incident_detail' incident.pk %}\">"
                 "#{{ incident.pk }} {{ incident.title }}</a>")
ITEM = ("<a href=\"{% pk_url 'postmortems:action_edit' item.pk %}\">{{ item.text }}</a> "
        "{% include \"postmortems/partials/item_badges.html\" %} "
        "<div class=\"small text-body-secondary\">")
LI = '\n      <li class="list-group-item">'
END = "</li>\n    {% endfor %}</ul>"
LOOPS = engines["django"].from_string(
    "{% load postmortems %}\n<ul>{% for incident in open_incidents %}" + LI
    + "{% severity_badge incident %} " + INCIDENT_LINK + ' <span class="small '
    'text-body-secondary">since {{ incident.started_at|utc:"%Y-%m-%d %H:%M" }}</span>' + END
    + "\n<ul>{% for incident in due %}" + LI + INCIDENT_LINK
    + ' <span class="small text-body-secondary">{% if incident.postmortem_state %}'
    "{{ incident.postmortem_state_display|lower }}{% else %}not started{% endif %}</span>" + END
    + "\n<ul>{% for item in orphans %}" + LI + ITEM
    + "#{{ item.incident_id }} {{ item.incident_title }}</div>" + END
    + "\n<ul>{% for item in overdue %}" + LI + ITEM
    + '{{ item.owner_display|default:"nobody" }} · #{{ item.incident_id }} '
    "{{ item.incident_title }}</div>" + END)
TAGS = engines["django"].from_string("""{% load dashboard %}
<ul>{% open_incident_rows open_incidents %}</ul>
<ul>{% due_incident_rows due %}</ul>
<ul>{% action_item_rows orphans %}</ul>
<ul>{% action_item_rows overdue show_owner=True %}</ul>""")

TITLE = "<b>Checkout</b> & \"cart\" down"
AT = datetime(2026, 3, 4, 10, 5, tzinfo=UTC)
DUE = date(2026, 3, 1)


def _item(pk, **fields):
    return ListedItem(**{"pk": pk, "text": "Fix <it> & \"that\"", "due": DUE,
                         "incident_id": 7, "incident_title": TITLE, "orphan_reason": "",
                         "is_orphaned": False, "is_overdue": False, **fields})


CONTEXT = {
    "open_incidents": [OpenIncident(7, TITLE, 1, AT), OpenIncident(8, "Search slow", 4, AT)],
    "due": [DueIncident(7, TITLE, "in_review"), DueIncident(9, "Disk full", None)],
    "orphans": [
        _item(1, orphan_reason="no owner, no ticket", is_orphaned=True),
        _item(2, orphan_reason="owner is <deactivated>", is_orphaned=True, is_overdue=True),
    ],
    "overdue": [
        _item(3, is_overdue=True, owner_id=5, owner_username="sam<"),
        _item(4, is_overdue=True, owner_id=6, owner_username="ada", owner_first_name="Ada",
              owner_last_name="Lovelace & co"),
        _item(5, is_overdue=True, owner_name="Imported <Name>", orphan_reason="owner is not "
              "a user", is_orphaned=True),
        _item(6, is_overdue=True),
    ],
}


def test_the_rows_are_the_loops_markup():
    assert TAGS.render(CONTEXT) == LOOPS.render(CONTEXT)


def test_every_value_is_escaped():
    html = TAGS.render(CONTEXT)
    assert "<b>" not in html and "<it>" not in html and "<deactivated>" not in html
    assert "&lt;b&gt;Checkout&lt;/b&gt; &amp; &quot;cart&quot;" in html
    assert "Imported &lt;Name&gt; · #7" in html and "sam&lt; · #7" in html


def test_empty_lists_render_nothing():
    assert TAGS.render({key: [] for key in CONTEXT}) == "\n<ul></ul>" * 4
