"""Geometry of the small plan-and-actual chart on a target's page, drawn as inline SVG.

The server computes every coordinate, so the page needs no script and fetches nothing.
"""

from decimal import Decimal

WIDTH, HEIGHT = 480, 180
TOP, BOTTOM, LEFT = 16, 28, 8
BAR, GAP = 22, 4


def plan_and_actual(figures):
    """Bars for each year's plan and actual, scaled to the largest value shown."""
    values = [v for f in figures for v in (f.plan, f.actual) if v is not None]
    largest = max(values, default=Decimal(0)) or Decimal(1)
    plot_height = HEIGHT - TOP - BOTTOM
    slot = max((WIDTH - LEFT) // max(len(figures), 1), 2 * BAR + 3 * GAP)
    groups = []
    for index, figure in enumerate(figures):
        x = LEFT + index * slot + (slot - 2 * BAR - GAP) // 2
        bars = []
        for offset, kind, value, text in (
            (0, "plan", figure.plan, figure.plan_display),
            (BAR + GAP, "actual", figure.actual, figure.actual_display),
        ):
            if value is None:
                continue
            height = int(plot_height * value / largest)
            bars.append(
                {
                    "kind": kind,
                    "x": x + offset,
                    "y": TOP + plot_height - height,
                    "width": BAR,
                    "height": max(height, 1),
                    "label": text,
                }
            )
        groups.append(
            {
                "year": figure.year.year,
                "bars": bars,
                "label_x": x + BAR + GAP // 2,
                "assessment": figure.assessment,
            }
        )
    return {
        "width": max(WIDTH, LEFT + slot * len(figures)),
        "height": HEIGHT,
        "baseline": HEIGHT - BOTTOM,
        "label_y": HEIGHT - 8,
        "groups": groups,
    }
