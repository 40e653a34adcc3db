"""Geometry of the roll-up's small charts, drawn as inline SVG like the target page's: the
server computes every coordinate, so the page needs no script and fetches nothing.

A target's verdicts across its communes are one bar split by verdict; the spread of the
communes' percents of plan is a histogram of fixed bands.
"""

from decimal import Decimal

from .counting import verdicts

BAR_WIDTH, BAR_HEIGHT = 100, 14
# The bands of percent of plan a histogram counts communes in: [low, high), the last open.
BANDS = (0, 50, 80, 100, 120)
WIDTH, HEIGHT = 480, 160
TOP, BOTTOM, LEFT = 16, 28, 8


def verdict_bar(counts, stage):
    """Segments of one bar, a verdict each in the stage's order, wide as its share of the
    communes tracking the target; none for a verdict no commune is under."""
    total = sum(counts.values())
    segments, x = [], 0.0
    for verdict in verdicts(stage):
        count = counts.get(verdict, 0)
        if not count:
            continue
        width = BAR_WIDTH * count / total
        # Written out here: a template would localise a decimal point to a comma.
        segments.append({"verdict": verdict, "x": f"{x:.2f}", "width": f"{width:.2f}"})
        x += width
    return {"width": BAR_WIDTH, "height": BAR_HEIGHT, "segments": segments}


def band_label(low, high):
    return f"≥ {low}%" if high is None else f"{low}–{high}%"


def percent_histogram(entries, stage):
    """Columns of the communes whose percent of plan falls in each band (BANDS), scaled to the
    fullest; communes without a percent are left out."""
    percents = [entry.percent for entry in entries if entry.percent is not None]
    bands = list(zip(BANDS, [*BANDS[1:], None], strict=True))
    counts = [
        sum(1 for p in percents if p >= low and (high is None or p < high)) for low, high in bands
    ]
    fullest = max(counts, default=0) or 1
    plot_height = HEIGHT - TOP - BOTTOM
    slot = (WIDTH - LEFT) // len(bands)
    columns = []
    for index, ((low, high), count) in enumerate(zip(bands, counts, strict=True)):
        height = int(plot_height * Decimal(count) / fullest)
        columns.append(
            {
                "label": band_label(low, high),
                "count": count,
                "x": LEFT + index * slot + 6,
                "y": TOP + plot_height - height,
                "width": slot - 12,
                "height": max(height, 1) if count else 0,
                "label_x": LEFT + index * slot + slot // 2,
            }
        )
    return {
        "width": WIDTH,
        "height": HEIGHT,
        "baseline": HEIGHT - BOTTOM,
        "label_y": HEIGHT - 8,
        "columns": columns,
        "counted": len(percents),
    }
