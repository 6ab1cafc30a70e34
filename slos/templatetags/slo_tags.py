"""Presentation of SLO figures: percentages, durations, burn rates, and the panels' pieces
(badges, budget bar, coverage notes, the dashboard's row) written in Python: the dashboard shows
50 SLOs, and their rows through the template engine (three includes and ~40 variable lookups a
row) cost more than the rest of the page. The markup is the one the templates had; every text
that is not a number formatted here is escaped (html.escape, what Django's escape calls, without
its per-call checks for lazy text: ~20 values a row)."""

from datetime import UTC
from decimal import ROUND_HALF_UP, Decimal
from html import escape

from django import template
from django.conf import settings
from django.template.defaultfilters import floatformat, truncatechars
from django.utils.html import format_html
from django.utils.safestring import mark_safe

from postmortems import durations
from postmortems.templatetags.postmortems import pk_url
from slos import budget

register = template.Library()


@register.simple_tag
def refresh_seconds():
    """SLO pages refresh themselves once per poll (htmx ``every``)."""
    return settings.SLO_POLL_INTERVAL


@register.filter
def percent(value, digits=2):
    """0.99975 -> "99.98%"; None -> "—"."""
    if value is None:
        return "—"
    text = f"{value * 100:.{int(digits)}f}"
    return f"{text.lstrip('-') if float(text) == 0 else text}%"  # never "-0.0%"


register.filter("duration", durations.approximate)


@register.filter
def days_left(seconds):
    """ "~12 days at the current burn rate" wording for a time to exhaustion."""
    if seconds is None:
        return "never at the current burn rate"
    if seconds <= 0:
        return "spent"
    if 3600 <= seconds < 3 * 86400:  # "~57 h", not "~2 days", while it matters
        return f"~{seconds / 3600:.0f} h at the current burn rate"
    if seconds < 3600:  # "~43 min", not "~1 h"
        return f"~{durations.approximate(seconds, whole=True)} at the current burn rate"
    return f"~{durations.approximate(seconds, whole=True)} at the current burn rate"


@register.filter
def burn(value):
    return "—" if value is None else f"{value:.2f}×"  # noqa: RUF001


@register.filter
def bar_width(remaining):
    """Width of the budget bar in percent, clamped to the bar: text, so the template does not
    pass the number through the locale's number formatting (the same digits)."""
    if remaining is None:
        return "0"
    return str(max(0, min(100, round(remaining * 100))))


# The budget bar's colour follows the policy, which follows the budget remaining.
POLICY_COLOURS = {budget.NORMAL: "bg-success", budget.POSTPONE_RISKY: "bg-warning text-dark",
                  budget.FREEZE_NON_CRITICAL: "bg-danger", budget.FEATURE_FREEZE: "bg-danger",
                  budget.NO_DATA: "bg-secondary"}


@register.filter
def policy_colour(policy):
    return POLICY_COLOURS[policy]


@register.filter
def utc_time(value, fmt="%Y-%m-%d %H:%M:%S"):
    """An aware datetime as "2026-03-04 10:05:00" in UTC, without the site's locale and time
    zone machinery (the page says the times are UTC)."""
    return value.astimezone(UTC).strftime(fmt)


@register.filter
def get(mapping, key):
    return mapping.get(key) if mapping else None


@register.filter
def factor(value):
    """A burn-rate factor without trailing zeros: 14.4, 6, 0.933."""
    return "—" if value is None else f"{value:.4g}"


@register.filter
def target(value):
    """A target percentage without trailing zeros: Decimal("99.9000") -> "99.9"."""
    if value is None:
        return "—"
    text = f"{value:f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


# --- the panels' pieces ---------------------------------------------------------------------

NOT_POLLED_BADGE = '<span class="badge text-bg-secondary">not polled yet</span>'
MET_BADGES = {True: ' <span class="badge text-bg-success">met</span>',
              False: ' <span class="badge text-bg-danger">not met</span>'}


@register.simple_tag
def slo_badges(figures):
    """"not polled yet" or "stale" (saying when the last good poll was), then "met" or
    "not met"."""
    if figures["status"] == "never_polled":
        state = NOT_POLLED_BADGE
    elif figures["stale"]:
        last_good = figures["last_good_at"]
        when = f"{utc_time(last_good, '%Y-%m-%d %H:%M')} UTC" if last_good else "never"
        state = f'<span class="badge text-bg-warning" title="Last good poll: {when}">stale</span>'
    else:
        state = ""
    return mark_safe(f"{state}{MET_BADGES.get(figures['met'], '')}\n")


@register.simple_tag
def budget_bar(figures):
    """The error budget left as a bar coloured by the policy, and in words."""
    remaining = figures["budget_remaining"]
    width = bar_width(remaining)
    overspent = " (overspent)" if remaining is not None and remaining < 0 else ""
    return mark_safe(
        '\n<div class="progress budget-bar" role="progressbar" aria-label="Error budget '
        f'remaining" aria-valuenow="{width}" aria-valuemin="0" aria-valuemax="100" '
        'style="height: 1.4rem">\n'
        f'  <div class="progress-bar {policy_colour(figures["policy"])}" '
        f'style="width: {width}%"></div>\n</div>\n<div class="small mt-1"><strong>'
        f"{percent(remaining, 1)}</strong> of the error budget left{overspent}</div>\n\n")


@register.simple_tag
def coverage_notes(figures):
    """"measured over 3.2 of 7 days" while the data covers part of the window, and a flag
    when the window (a calendar SLO's period) is longer than the data source's retention."""
    c = figures["coverage"]
    html = ""
    if c["covered_days"] is not None and not c["complete"]:
        html = format_html(
            '<div class="small text-warning-emphasis" data-figure="coverage">measured over {} '
            "of {} days</div>", floatformat(c["covered_days"], "1u"),
            floatformat(c["window_days"], "-1u"))
    if c["window_exceeds_retention"]:
        html += format_html(
            '<div class="small text-danger-emphasis" data-flag="retention">The {} is longer '
            "than the data source keeps data ({} days): the figure cannot cover the window."
            "</div>",
            f"{floatformat(c['period_days'], '-1u')}-day period" if c["period_days"]
            else f"{floatformat(c['window_days'], '-1u')}-day window",
            floatformat(c["retention_days"], "-1u"))
    return mark_safe(html)


ERROR_STATUSES = frozenset({"error", "no_data", "broken"})


@register.simple_tag
def slo_row(slo, figures):
    """The dashboard's row of an SLO: name, service and window; SLI against the target; the
    budget left and how long it lasts; the 1h burn rate; the policy; the last poll."""
    period, remaining = figures["period"], figures["budget_remaining"]
    burn_1h = get(figures["burn_rates"], "1h")
    lasts = ""
    if remaining is not None and (burn_1h is not None or remaining <= 0):
        lasts = ('<div class="small text-body-secondary">'
                 + (f"lasts to the end of the {escape(slo.window_words.replace('calendar ', ''))}"
                    if period and figures["time_to_exhaustion_seconds"] is None
                    else escape(days_left(figures["time_to_exhaustion_seconds"])))
                 + "</div>")
    polled = figures["last_polled_at"]
    error = (f'<div class="text-danger-emphasis">{escape(truncatechars(figures["error"], 80))}'
             "</div>" if figures["status"] in ERROR_STATUSES else "")
    period_label = (f' · <span data-figure="period">{escape(period["label"])}</span>'
                    if period else "")
    return mark_safe(
        f'<tr>\n    <td><a class="fw-semibold" href="{pk_url("slos:detail", slo.pk)}">'
        f'{escape(slo.name)}</a><div class="small text-body-secondary">{escape(slo.service_name)}'
        f" · {escape(slo.window_words)}{period_label}</div></td>\n"
        f'    <td><span class="fs-5">{percent(figures["sli"], 3)}</span> '
        f'<span class="text-body-secondary">/ {target(slo.target)}%</span>'
        f"<div>{slo_badges(figures)}</div>{coverage_notes(figures)}</td>\n"
        f"    <td>{budget_bar(figures)}{lasts}</td>\n"
        f"    <td>{burn(burn_1h)}</td>\n"
        f'    <td class="small">{escape(figures["policy_words"])}</td>\n'
        f'    <td class="small">{utc_time(polled) if polled else "never"}{error}</td>\n  </tr>')


TENTH = Decimal("0.1")


def one_decimal(value):
    """``value|floatformat:1`` (the site's locale has no thousands separator): the number
    as it prints, rounded half away from zero to one decimal, never "-0.0"."""
    rounded = Decimal(str(value)).quantize(TENTH, ROUND_HALF_UP)
    return str(rounded if rounded else abs(rounded))


@register.simple_tag
def burn_down_svg(chart, window_start, incident_count):
    """The burn-down chart (slos.chart.Chart) as SVG: the incidents' bands, the budget's
    ticks, the zero line, the dates and the line of the hourly points (or a note while
    there are none)."""
    width, height = chart.width, chart.height
    title = f"Error budget remaining from {window_start.astimezone(UTC):%Y-%m-%d} to now"
    if incident_count:
        title += f", with {incident_count} incident(s) marked"
    marks = "".join(
        f'<rect class="incident-mark" x="{one_decimal(mark["x"])}" y="12" '
        f'width="{one_decimal(mark["width"])}" height="{height - 40}" fill="#dc3545" '
        f'fill-opacity="0.18"><title>{escape(mark["label"])}</title></rect>'
        for mark in chart.marks)
    ticks = "".join(
        f'<line x1="48" x2="{width - 24}" y1="{y}" y2="{y}" stroke="#adb5bd" '
        f'stroke-width="0.5"/><text x="44" y="{y}" dy="4" text-anchor="end" font-size="11" '
        f'fill="#495057">{escape(label)}</text>'
        for y, label in ((one_decimal(y), label) for y, label in chart.ticks))
    zero = one_decimal(chart.zero_y)
    dates = "".join(
        f'<text x="{one_decimal(x)}" y="{height - 8}" text-anchor="{escape(anchor)}" '
        f'font-size="11" fill="#495057">{escape(label)}</text>'
        for x, label, anchor in chart.x_labels)
    line = (f'<path d="{escape(chart.path)}" fill="none" stroke="#0d6efd" stroke-width="2"/>'
            if chart.path else
            '<text x="50%" y="110" text-anchor="middle" font-size="14" fill="#495057" '
            'data-figure="collecting">Collecting data: the chart starts with the first good '
            "poll</text>")
    return mark_safe(
        f'\n    <svg class="burn-down" role="img" aria-labelledby="chart-title" '
        f'viewBox="0 0 {width} {height}" width="100%" style="max-width: {width}px">\n'
        f'      <title id="chart-title">{title}</title>\n'
        f"      {marks}\n"
        f"      {ticks}\n"
        f'      <line x1="48" x2="{width - 24}" y1="{zero}" y2="{zero}" stroke="#dc3545" '
        'stroke-width="1.2"/>\n'
        f"      {dates}\n"
        f"      {line}\n"
        "    </svg>\n    ")


@register.simple_tag
def burn_rate_rows(burn_rows, alert_states):
    """The SLO page's burn-rate table body: each window's burn rate and the alerts it is a
    window of, as badges (red when the alert would fire)."""
    rows = []
    for row in burn_rows:
        badges = "".join(
            f'<span class="badge '
            f'{"text-bg-danger" if get(alert_states, alert["name"]) else "text-bg-light border"}'
            f' me-1" title="{escape(alert["name"])}: {escape(alert["long_window"])} and '
            f'{escape(alert["short_window"])} above {factor(alert["burn_rate"])}×, '  # noqa: RUF001
            f'{escape(alert["severity"])}">{escape(alert["label"])} '
            f"{factor(alert['burn_rate'])}×</span>"  # noqa: RUF001
            for alert in row["alerts"]) or "—"
        rows.append(f'\n      <tr><th scope="row">{escape(row["window"])}</th>\n'
                    f"        <td>{burn(row['burn'])}</td>\n"
                    f'        <td class="small">{badges}</td></tr>\n      ')
    return mark_safe("".join(rows))
