"""What an SLO's window means: a rolling window (the last 7, 28 or 30 days) or a calendar
period in UTC (the month or ISO week so far), for the SLO model."""

from datetime import timedelta

from django.utils import timezone

from slos import budget, periods


class WindowMixin:
    """Needs ``window`` (a ``SLO.Window`` value)."""

    CALENDAR_WORDS = {periods.MONTHLY: "calendar month", periods.WEEKLY: "calendar week"}

    @property
    def is_calendar(self):
        return self.window in periods.KINDS

    @property
    def window_words(self):
        """"rolling 28 days", "calendar month", "calendar week"."""
        return self.CALENDAR_WORDS.get(self.window) or self.get_window_display().lower()

    @property
    def window_kind(self):
        return "calendar" if self.is_calendar else "rolling"

    @property
    def window_seconds(self):
        """The window's length: a rolling window's, or a calendar period's nominal length (30
        days a month, 7 a week), which the alert factors and the downtime table use."""
        return self.nominal_seconds(self.window)

    @staticmethod
    def nominal_seconds(window):
        if window in periods.KINDS:
            return periods.NOMINAL_DAYS[window] * budget.DAY
        return budget.parse_duration(window)

    def period(self, at=None):
        """The calendar period holding ``at`` (now), or None for a rolling window."""
        return periods.containing(self.window, at or timezone.now()) if self.is_calendar \
            else None

    def measured_seconds(self, at=None):
        """Seconds the SLI is read over at ``at``: the rolling window, or the period so far."""
        period = self.period(at)
        return period.range_seconds(at or timezone.now()) if period else self.window_seconds

    def range_at(self, at=None):
        """The ``$window`` of the SLI query at ``at``: "28d", or "2588400s" (month to date)."""
        return f"{self.measured_seconds(at)}s" if self.is_calendar else self.window

    def window_start(self, at=None):
        """Where the measured window starts: now - window, or the period's start."""
        at = at or timezone.now()
        period = self.period(at)
        return period.start if period else at - timedelta(seconds=self.window_seconds)

    @property
    def window_days(self):
        return self.window_seconds // budget.DAY
