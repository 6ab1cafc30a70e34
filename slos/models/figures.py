"""An SLO's figures from its latest poll: the budget left, burn rates, the policy, staleness,
coverage and the alerts that would fire; what the panels, the lists and the API show.

Written once, for an SLO (the model) and for a row of a list (objectives.ListedSLO: the
dashboard and /api/slos/ read a page of SLOs as values, not as four model objects a row)."""

from datetime import timedelta

from django.conf import settings
from django.utils import timezone

from slos import budget, coverage

# What the figures read of the latest snapshot (a list reads them as values: LatestPoll).
POLL_FIELDS = ("taken_at", "status", "fault", "error", "sli", "budget_remaining", "error_ratios")

# What the panel's badges call each burn-rate alert (Sloth's four: two pages, two tickets).
ALERT_LABELS = {"fast_burn": "fast page", "slow_burn": "slow page",
                "fast_ticket": "fast ticket", "ticket": "slow ticket"}


class FiguresMixin:
    """Needs ``target``, ``window`` (WindowMixin), the four burn rates and alert severities,
    ``last_good_at``, ``data_since``, ``data_source_retention`` (seconds or None), ``name``,
    ``pk`` and ``latest_snapshot`` (a Snapshot, a LatestPoll or None)."""

    @property
    def budget(self):
        return budget.error_budget(self.target)

    def burn_factors(self):
        """{"fast_burn": 13.44, ...}: the SLO's own factors, else derived from budget shares."""
        derived = budget.alert_factors(self.window_days)
        own = {"fast_burn": self.fast_burn_rate, "slow_burn": self.slow_burn_rate,
               "fast_ticket": self.fast_ticket_burn_rate, "ticket": self.ticket_burn_rate}
        return {name: own[name] or derived[name] for name in derived}

    def alert_rows(self):
        """The multi-window alerts: name, long and short windows, factor, severity."""
        factors = self.burn_factors()
        severities = {"fast_burn": self.fast_severity, "slow_burn": self.slow_severity,
                      "fast_ticket": self.fast_ticket_severity, "ticket": self.ticket_severity}
        return [
            {"name": name, "label": ALERT_LABELS[name], "long_window": long, "short_window": short,
             "burn_rate": factors[name], "severity": severities[name],
             "error_ratio_threshold": factors[name] * self.budget}
            for name, long, short, _share in budget.ALERT_SHARES
        ]

    def alert_states(self, burn_rates):
        """{"fast_burn": True, ...}: would the generated alert fire on these burn rates (its
        long and short windows both above the factor)? None without figures."""
        factors = self.burn_factors()  # alert_rows' burn rates, without the rest of the rows
        return {
            name: None if burn_rates.get(long) is None or burn_rates.get(short) is None
            else burn_rates[long] > factors[name] and burn_rates[short] > factors[name]
            for name, long, short, _share in budget.ALERT_SHARES
        }

    def is_stale(self, now=None):
        """No good poll within three poll intervals (or the last poll failed)."""
        now = now or timezone.now()
        snapshot = self.latest_snapshot
        if snapshot is None or snapshot.status != snapshot.Status.OK or self.last_good_at is None:
            return True
        return now - self.last_good_at > timedelta(seconds=3 * settings.SLO_POLL_INTERVAL)

    def figures(self, now=None):
        """Everything the panels and the API show, from the latest snapshot and the maths."""
        now = now or timezone.now()
        snapshot = self.latest_snapshot
        ok = snapshot is not None and snapshot.status == snapshot.Status.OK
        ratios = snapshot.error_ratios if ok else {}
        remaining = snapshot.budget_remaining if ok else None
        if remaining is not None and abs(remaining) < 1e-9:
            remaining = 0.0  # exactly at target: float noise is not an overspent budget
        target_budget = self.budget
        burn_rates = {w: budget.burn_rate(ratios.get(w), target_budget)
                      for w in budget.BURN_WINDOWS}
        period = self.period(now)
        if period:
            exhaustion = budget.period_time_to_exhaustion(
                remaining, burn_rates.get("1h"), period.elapsed_seconds(now),
                (period.end - now).total_seconds())
        else:
            exhaustion = budget.time_to_exhaustion(remaining, burn_rates.get("1h"),
                                                   self.window_seconds)
        state = budget.policy_state(remaining)
        sli = snapshot.sli if ok else None
        return {
            "sli": sli,
            "met": None if sli is None else sli * 100 >= float(self.target),
            "budget_remaining": remaining,
            "burn_rates": burn_rates,
            "time_to_exhaustion_seconds": exhaustion,
            "policy": state,
            "policy_words": budget.POLICY_WORDS[state],
            "risky_changes_allowed": budget.risky_changes_allowed(state),
            "last_polled_at": snapshot.taken_at if snapshot else None,
            "last_good_at": self.last_good_at,
            "stale": self.is_stale(now),
            "status": snapshot.status if snapshot else "never_polled",
            "status_label": snapshot.status_label if snapshot else "never polled",
            "fault": snapshot.fault if snapshot else "",
            "error": snapshot.error if snapshot else "",
            "error_ratios": dict(ratios),
            "alert_states": self.alert_states(burn_rates),
            "coverage": coverage.figures(self.measured_seconds(now), self.data_since,
                                         self.data_source_retention, now,
                                         period_seconds=period.seconds if period else None),
            "window_kind": self.window_kind,
            "period": None if period is None else {
                "kind": period.kind, "key": period.key, "name": period.name,
                "start": period.start,
                "end": period.end, "day": period.day(now), "days": period.days,
                "label": period.label(now)},
        }

    def gate(self, now=None, figures=None):
        """May risky changes ship? The error-budget policy's answer, with the reason (from
        ``figures`` when the caller has them at ``now``)."""
        figures = figures or self.figures(now)
        if figures["stale"] or figures["budget_remaining"] is None:
            allowed = False
            reason = (f"{self.name}: no current figure (status {figures['status']}); "
                      "without data the budget cannot vouch for a risky change.")
        else:
            allowed = figures["risky_changes_allowed"]
            reason = (f"{self.name}: {figures['budget_remaining'] * 100:.1f}% of the error "
                      f"budget left. {figures['policy_words']}")
        return {"slo": self.pk, "name": self.name, "allowed": allowed,
                "policy": figures["policy"], "budget_remaining": figures["budget_remaining"],
                "reason": reason}
