"""Every Markdown field is rendered and sanitized: no script, no event handlers, no
javascript: links, on every page that shows it."""

import re
from html.parser import HTMLParser

import pytest

from postmortems import markdown
from postmortems.models import Postmortem

pytestmark = pytest.mark.django_db

PAYLOADS = [
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    "[click](javascript:alert(1))",
    "[click](JaVaScRiPt:alert(1))",
    "[click](&#106;avascript:alert(1))",
    "<a href=\"javascript:alert(1)\">x</a>",
    "<svg onload=alert(1)>",
    "<iframe src=\"https://evil.example\"></iframe>",
    "<div style=\"background:url(javascript:alert(1))\">x</div>",
    "![x](javascript:alert(1))",
    "<details open ontoggle=alert(1)>",
    "<body onload=alert(1)>",
    "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
    "[x](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    "<form action=javascript:alert(1)><button>x</button></form>",
    "<a href=\"vbscript:msgbox(1)\">x</a>",
]
BAD_SCHEMES = ("javascript:", "vbscript:", "data:")
BAD_TAGS = {"iframe", "svg", "math", "object", "embed", "style", "base", "meta", "link"}


class Inspector(HTMLParser):
    """Collects every unsafe thing in a page: event handlers, script URLs, inline scripts,
    dangerous elements. The page's own markup has none of these."""

    def __init__(self):
        super().__init__()
        self.problems = []
        self.in_body = False

    def handle_starttag(self, tag, attrs):
        if tag == "body":
            self.in_body = True
        if not self.in_body:  # the page's own <head>: meta, link, style
            return
        if tag in BAD_TAGS:
            self.problems.append(f"<{tag}>")
        if tag == "script" and not dict(attrs).get("src", "").startswith("/static/"):
            self.problems.append("inline <script>")
        for name, value in attrs:
            if name.startswith("on"):
                self.problems.append(f"<{tag} {name}=…>")
            url = re.sub(r"[\s\x00-\x1f]", "", value or "").lower()
            if name in ("href", "src", "action", "formaction") and url.startswith(BAD_SCHEMES):
                self.problems.append(f"<{tag} {name}={value!r}>")
            if name == "style":
                self.problems.append(f"<{tag} style=…>")


def assert_clean(html):
    if "<body" not in html:
        html = f"<body>{html}</body>"
    inspector = Inspector()
    inspector.feed(html)
    assert inspector.problems == []


@pytest.mark.parametrize("payload", PAYLOADS)
def test_the_renderer_removes_the_payload(payload):
    assert_clean(markdown.render(payload))


def test_plain_markdown_still_renders():
    html = markdown.render(
        "**bold** [site](https://example.com)\n\n| a | b |\n|---|---|\n| 1 | 2 |")
    assert "<strong>bold</strong>" in html
    assert '<a href="https://example.com" rel="noopener noreferrer nofollow">site</a>' in html
    assert "<table>" in html


PAGES = ["/incidents/{pk}/", "/incidents/{pk}/postmortem/", "/incidents/{pk}/postmortem/print/"]


@pytest.mark.parametrize("payload", PAYLOADS)
def test_every_markdown_field_is_sanitized_on_every_page(editor_client, make, payload):
    incident = make.incident(summary=payload)
    pm = make.postmortem(incident, executive_summary=payload, impact_notes=payload,
                         what_happened=payload, trigger=payload, detection=payload,
                         resolution=payload, root_cause_sentence=payload,
                         immediate_fix=payload)
    make.timeline_entry(pm, text=payload)
    make.why(pm, question="Why?", answer=payload, is_root_cause=True)
    for url in PAGES:
        html = editor_client.get(url.format(pk=incident.pk)).content.decode()
        assert_clean(html)
    pm.template = Postmortem.Template.QUICK
    pm.save()
    assert_clean(editor_client.get(f"/incidents/{incident.pk}/postmortem/").content.decode())


def test_the_inspector_catches_an_unsanitized_payload():
    with pytest.raises(AssertionError):
        assert_clean('<p><img src=x onerror=alert(1)></p>')
    with pytest.raises(AssertionError):
        assert_clean('<a href=" javascript:alert(1)">x</a>')
