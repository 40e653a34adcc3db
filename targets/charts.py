"""Geometry of the small plan-and-actual chart on a target's page, drawn as inline SVG.

The server computes every coordinate, so the page needs no script and fetches nothing.
"""

from decimal import Decimal

WIDTH, HEIGHT = 480, 180
TOP, BOTTOM, LEFT = 16, 28, 8
BAR, GAP = 22, 4


def plan_and_actual(rows):
    """Bars for each year's plan and actual (rows: targets.report.Row), scaled to the largest
    value shown."""
    values = [v for row in rows for v in (row.plan, row.actual) if v is not None]
    largest = max(values, default=Decimal(0)) or Decimal(1)
    plot_height = HEIGHT - TOP - BOTTOM
    slot = max((WIDTH - LEFT) // max(len(rows), 1), 2 * BAR + 3 * GAP)
    groups = []
    for index, row in enumerate(rows):
        x = LEFT + index * slot + (slot - 2 * BAR - GAP) // 2
        bars = []
        for offset, series, value, text in (
            (0, "plan", row.plan, row.plan_text),
            (BAR + GAP, "actual", row.actual, row.actual_text),
        ):
            if value is None:
                continue
            height = int(plot_height * value / largest)
            bars.append(
                {
                    "series": series,
                    "x": x + offset,
                    "y": TOP + plot_height - height,
                    "width": BAR,
                    "height": max(height, 1),
                    "label": text,
                }
            )
        groups.append(
            {
                "year": row.figure.year.year,
                "bars": bars,
                "label_x": x + BAR + GAP // 2,
                "assessment": row.assessment,
            }
        )
    return {
        "width": max(WIDTH, LEFT + slot * len(rows)),
        "height": HEIGHT,
        "baseline": HEIGHT - BOTTOM,
        "label_y": HEIGHT - 8,
        "groups": groups,
    }
