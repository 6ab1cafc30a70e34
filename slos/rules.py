"""Prometheus rules for the SLOs: recording rules (error ratio per window, each carrying an
``slo`` label) and multi-window, multi-burn-rate alerts, after the SRE workbook.

Every series an alert uses is defined by a recording rule of the same group. The file is
always valid: every expression of an SLO's group is parsed before it is written, and an SLO whose
rules would not parse is left out with a comment saying why (its page says so too), so one bad
SLO never stops Prometheus from loading the others.

A calendar SLO (monthly, weekly) keeps the same rules over the rolling equivalent of its period
(30d for a month, 7d for a week: PromQL ranges are literals, and "since the 1st" is not one): its
``slo:sli_error:ratio_window`` series carries ``calendar="monthly"`` and
``rolling_equivalent="30d"``, its budget-exhausted alert says it reads the rolling equivalent,
and the file's header lists it. The burn-rate alerts are the same as for a rolling window (a burn
rate does not depend on the window; the factors use the nominal period length). The app reads
the period so far itself (slos.poller)."""

import re
from functools import lru_cache

from django.conf import settings

from slos import alerting, budget, promql, yaml_text

RECORDED_METRICS = {"window": "slo:sli_error:ratio_window"}
RECORDED_METRICS.update({w: f"slo:sli_error:ratio_rate{w}" for w in budget.BURN_WINDOWS})
# The number of series each side gives (label side="good"|"total"): the poller's shape check.
SERIES_METRIC = "slo:sli_query:series"

ALERT_NAMES = {"fast_burn": "SLOFastBurn", "slow_burn": "SLOSlowBurn",
               "fast_ticket": "SLOFastTicketBurn", "ticket": "SLOTicketBurn"}
ALERT_FOR = {"fast_burn": "2m", "slow_burn": "15m", "fast_ticket": "30m", "ticket": "1h"}


def number(value):
    """A float as PromQL text without artefacts: 0.0144, not 0.014400000000000001."""
    return f"{value:.12g}"


def slo_labels(slo):
    return {"slo": slo.slug, "slo_revision": slo.revision, "service": slo.service.slug}


def min_events_guard(slo, window):
    """``and on() <events in the window> >= N``: no burn alert on a handful of requests."""
    if not slo.min_events:
        return ""
    events = f"({slo.query('total', window)})"
    if promql.per_second(slo.total_query):
        events = f"{events} * {budget.parse_duration(window)}"
    return f"\nand on() {events} >= {slo.min_events}"


def group_for(slo, service_labels=None):
    labels = slo_labels(slo)
    routing = alerting.routing_labels(service_labels, slo.alert_labels, labels)
    selector = f'{{slo="{slo.slug}", slo_revision="{slo.revision}"}}'
    budget_text = number(slo.budget)
    slo_url = settings.SITE_URL.rstrip("/") + (slo.get_absolute_url() if slo.pk else "/slos/")
    window = rolling_equivalent(slo)
    window_labels = labels if not slo.is_calendar else {
        **labels, "calendar": slo.window, "rolling_equivalent": window}
    records = [{"record": RECORDED_METRICS["window"], "expr": slo.error_ratio_query(window),
                "labels": window_labels}]
    records += [{"record": RECORDED_METRICS[w], "expr": slo.error_ratio_query(w),
                 "labels": labels} for w in budget.BURN_WINDOWS]
    records += [{"record": SERIES_METRIC, "expr": f"count({slo.query(side, '5m')})",
                 "labels": {**labels, "side": side}} for side in ("good", "total")]
    alerts = []
    for row in slo.alert_rows():
        threshold = number(row["error_ratio_threshold"])
        long_metric = RECORDED_METRICS[row["long_window"]]
        short_metric = RECORDED_METRICS[row["short_window"]]
        alerts.append({
            "alert": ALERT_NAMES[row["name"]],
            "expr": f"{long_metric}{selector} > {threshold}\n"
                    f"and {short_metric}{selector} > {threshold}"
                    + min_events_guard(slo, row["long_window"]),
            "for": ALERT_FOR[row["name"]],
            "labels": {**routing, "severity": row["severity"]},
            "annotations": alerting.annotations(
                slo, f"{slo.name}: burning the error budget faster than "
                     f"{number(row['burn_rate'])}x over {row['long_window']} and "
                     f"{row['short_window']}",
                f"Target {slo.target}% over {window_words(slo)}: the error ratio is above "
                f"{threshold} over both {row['long_window']} and {row['short_window']}.",
                slo_url, selector, budget_text, long_metric),
        })
    alerts.append({
        "alert": "SLOErrorBudgetExhausted",
        "expr": f"{RECORDED_METRICS['window']}{selector} >= {budget_text}",
        "for": "15m",
        "labels": {**routing, "severity": slo.exhausted_severity},
        "annotations": alerting.annotations(
            slo, f"{slo.name}: the {window} error budget is spent",
            "The error-budget policy applies: work on reliability before features."
            + (f" This reads the rolling {window}; the {slo.window_words}'s own budget is on "
               "the SLO page." if slo.is_calendar else ""),
            slo_url, selector, budget_text),
    })
    alerts.append({
        "alert": "SLONoData",
        "expr": f"absent({RECORDED_METRICS['1h']}{selector})",
        "for": "10m",
        "labels": {**routing, "severity": slo.no_data_severity},
        "annotations": alerting.annotations(
            slo, f"{slo.name}: no data for the SLI",
            "The all-events query returns no series over 1h: the SLO cannot be measured and "
            "its burn alerts cannot fire (scrape down, metric renamed, or rules stale).",
            slo_url, selector, budget_text),
    })
    return {"name": f"slo-{slo.slug}", "rules": records + alerts}


def rolling_equivalent(slo):
    """The rolling window the rules use: the SLO's own, or its period's nominal length."""
    return f"{slo.window_seconds // budget.DAY}d" if slo.is_calendar else slo.window


def window_words(slo):
    return f"the {slo.window_words} (UTC)" if slo.is_calendar else slo.window


def group_problem(group):
    """Why Prometheus would refuse the group, or "" when every expression parses."""
    for rule in group["rules"]:
        if rule.get("record") in _SAME_AS_WINDOW:
            continue
        error = expression_problem(rule["expr"])
        if error:
            return f"{rule.get('record') or rule.get('alert')}: {error}"
    return ""


# The burn windows' error ratios are the window's own expression with another duration in the
# same places (a duration for a duration): the window's parse vouches for them.
_SAME_AS_WINDOW = frozenset(RECORDED_METRICS[w] for w in budget.BURN_WINDOWS)

# An SLO's own selector in its alerts; its values (a slug, a revision) never hold a quote, so
# putting stand-ins there changes nothing about whether the expression parses.
_OWN_SELECTOR = re.compile(r'\{slo="[^"\\]*", slo_revision="[^"\\]*"\}')


def expression_problem(expression):
    """promql.error_in, parsed once per distinct expression (SLOs of the same queries share
    their rules' expressions but for their own selector)."""
    return _parse_problem(_OWN_SELECTOR.sub('{slo="_", slo_revision="_"}', expression))


@lru_cache(maxsize=4096)
def _parse_problem(expression):
    return promql.error_in(expression)


def checked_groups(slos):
    """(groups, left_out): the valid groups, and (slo, reason) for each SLO left out."""
    from slos.models import ServiceAlertLabels

    slos = list(slos)
    service_labels = ServiceAlertLabels.for_services({slo.service_id for slo in slos})
    groups, left_out = [], []
    for slo in slos:
        group = group_for(slo, service_labels.get(slo.service_id))
        problem = group_problem(group)
        if problem:
            left_out.append((slo, problem))
        else:
            groups.append(group)
    return groups, left_out


def problem_for(slo):
    """Why this SLO is left out of the rules file, or ""."""
    return group_problem(group_for(slo))


def generate(slos):
    return {"groups": checked_groups(slos)[0]}


def to_yaml(slos):
    slos = list(slos)
    groups, left_out = checked_groups(slos)
    header = "# Generated by `python manage.py slo_rules`; regenerate after changing SLOs.\n"
    for slo, problem in left_out:
        header += (f"# Left out: SLO {slo.slug} (id {slo.pk}) cannot produce valid rules: "
                   f"{' '.join(problem.split())}\n")
    for slo in slos:
        if slo.is_calendar:
            header += (f"# Calendar: SLO {slo.slug} is measured over the {slo.window} period "
                       f"so far by the app; its recorded window ratio is the rolling "
                       f"{rolling_equivalent(slo)} (label calendar=\"{slo.window}\").\n")
    return header + yaml_text.dump({"groups": groups})
