"""{% pk_url %} gives what {% url %} gives for a URL of one integer id, reversing each URL
name once (issue 9: the timeline's rows reversed two URLs each), under any script prefix."""

from django.template import engines
from django.urls import reverse, set_script_prefix

from postmortems.templatetags.postmortems import pk_url


def test_it_is_the_url_reverse_gives():
    for name in ("postmortems:timeline_edit", "postmortems:timeline_delete"):
        for pk in (1, 42, 987654321, 10**12):
            assert pk_url(name, pk) == reverse(name, args=[pk])


def test_it_follows_the_script_prefix():
    try:
        set_script_prefix("/sre/")
        assert pk_url("postmortems:timeline_edit", 7) == reverse(
            "postmortems:timeline_edit", args=[7])
        assert pk_url("postmortems:timeline_edit", 7).startswith("/sre/")
    finally:
        set_script_prefix("/")
    assert not pk_url("postmortems:timeline_edit", 7).startswith("/sre/")


def test_the_tag_in_a_template():
    template = engines["django"].from_string(
        "{% load postmortems %}{% pk_url 'postmortems:timeline_edit' pk as u %}<{{ u }}>")
    assert template.render({"pk": 5}) == f"<{reverse('postmortems:timeline_edit', args=[5])}>"
