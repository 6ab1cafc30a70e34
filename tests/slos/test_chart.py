"""The burn-down chart's geometry: pure function, no database."""

from datetime import UTC, datetime, timedelta

from slos import chart

START = datetime(2026, 11, 1, tzinfo=UTC)
END = START + timedelta(days=28)


def test_points_span_the_plot_from_window_start_to_now():
    drawn = chart.burn_down([(START.timestamp(), 1.0), (END.timestamp(), 0.5)], START, END)
    first, last = drawn.path.split(" ")
    assert first == f"M{chart.LEFT:.1f},{drawn.top_y:.1f}"
    assert last.startswith(f"L{chart.WIDTH - chart.RIGHT:.1f},")


def test_an_overspent_budget_extends_the_scale_below_zero():
    drawn = chart.burn_down([(START.timestamp(), 1.0), (END.timestamp(), -1.0)], START, END)
    labels = [label for _, label in drawn.ticks]
    assert "-100%" in labels and "0%" in labels and "100%" in labels
    assert drawn.top_y < drawn.zero_y < chart.HEIGHT - chart.BOTTOM + 0.1


def test_incidents_become_marks_and_open_ones_run_to_now():
    drawn = chart.burn_down([], START, END, [
        (START + timedelta(days=7), START + timedelta(days=7, hours=1), "short"),
        (START + timedelta(days=27), None, "ongoing"),
    ])
    short, ongoing = drawn.marks
    assert short["width"] == 4  # at least visible
    assert round(ongoing["x"] + ongoing["width"]) == chart.WIDTH - chart.RIGHT
    assert drawn.path == "" and drawn.points == 0


def test_missing_figures_are_left_out_of_the_line():
    drawn = chart.burn_down([(START.timestamp(), 1.0),
                             ((START + timedelta(days=1)).timestamp(), None),
                             (END.timestamp(), 0.9)], START, END)
    assert drawn.path.count("L") == 1
