"""Presentation of SLO figures: percentages, durations, burn rates."""

from datetime import UTC

from django import template
from django.conf import settings

from postmortems import durations
from slos import budget
from slos.models import IncidentImpact

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


@register.simple_tag
def slo_impacts(incident):
    """The SLOs an incident hit with the budget each lost, in one query."""
    if incident is None or not getattr(incident, "pk", None):
        return []
    return list(IncidentImpact.objects.filter(incident=incident).select_related("slo")
                .order_by("slo__name"))
