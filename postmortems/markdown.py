"""Markdown for every long text field: rendered with `markdown`, then cleaned with an nh3
allow-list. The raw text is stored as written; this is the only place it becomes HTML."""

from functools import lru_cache

import markdown as markdown_lib
import nh3

ALLOWED_TAGS = {
    "a", "abbr", "b", "blockquote", "br", "code", "dd", "del", "dl", "dt", "em", "h1", "h2",
    "h3", "h4", "h5", "h6", "hr", "i", "kbd", "li", "ol", "p", "pre", "s", "strong", "sub",
    "sup", "table", "tbody", "td", "tfoot", "th", "thead", "tr", "ul",
}
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title"},
    "abbr": {"title"},
    "td": {"align"},
    "th": {"align"},
}
ALLOWED_URL_SCHEMES = {"http", "https", "mailto"}
EXTENSIONS = ["extra", "sane_lists"]


# Rendered HTML is kept per text (so per version of a field: an edit is a new text), in each
# process, for texts up to CACHED_LENGTH characters: a page showing the same documents again
# renders nothing. At most CACHE_SIZE entries (a few MB).
CACHE_SIZE = 4096
CACHED_LENGTH = 4000


def render(text):
    """Markdown source → sanitized HTML (a plain str; the template filter marks it safe)."""
    if not text:
        return ""
    if len(text) <= CACHED_LENGTH:
        return _render_cached(text)
    return _render(text)


@lru_cache(maxsize=CACHE_SIZE)
def _render_cached(text):
    return _render(text)


def _render(text):
    html = markdown_lib.markdown(text, extensions=EXTENSIONS, output_format="html")
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=ALLOWED_URL_SCHEMES,
        link_rel="noopener noreferrer nofollow",
        strip_comments=True,
    )
