"""The page of a list a request asks for (``?page=N``), as a number a query can use.

Lists read their page's rows with the page's offset before their paginator knows how many
pages there are (one round trip for the rows and the count), so the number asked for reaches
the database: a page past MAX_PAGE is read as MAX_PAGE, past the last page of any list here and
still answered as such (the last page, or the API's 404), never an offset past what the
database's integers hold ('bigint out of range', a 500).
"""

MAX_PAGE = 1_000_000  # 50 million rows at 50 a page: past any list's last page


def page_number(asked):
    """The page ``asked`` (a query string's value, or None) as a whole number at most MAX_PAGE:
    1 when missing or not a number; below 1 as asked (each list says what that means)."""
    try:
        return min(int(asked or 1), MAX_PAGE)
    except (TypeError, ValueError):
        return 1
