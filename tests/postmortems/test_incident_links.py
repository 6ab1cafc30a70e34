"""{% incident_links incidents n %} gives what a loop of {% pk_url %} links with |shorten:n
gives (the dashboard's recurring root causes), titles escaped."""

from django.template import engines

from postmortems.recurring import RecurringIncident

LOOP = engines["django"].from_string(
    "{% load postmortems %}{% for incident in incidents %}"
    "<a href=\"{% pk_url 'postmortems:incident_detail' incident.pk %}\">"
    "#{{ incident.pk }} {{ incident.title|shorten:40 }}</a>"
    "{% if not forloop.last %} · {% endif %}{% endfor %}")
TAG = engines["django"].from_string(
    "{% load postmortems %}{% incident_links incidents 40 %}")

INCIDENTS = [
    RecurringIncident(7, "Checkout down"),
    RecurringIncident(12345, "<script>alert('x')</script> & \"quotes\" in a title"),
    RecurringIncident(3, "A title well over forty characters, cut short by the filter"),
]


def test_it_renders_what_the_loop_renders():
    for incidents in (INCIDENTS, INCIDENTS[:1], []):
        assert TAG.render({"incidents": incidents}) == LOOP.render({"incidents": incidents})


def test_titles_are_escaped():
    html = TAG.render({"incidents": INCIDENTS[1:2]})
    assert "<script>" not in html and "&lt;script&gt;" in html
