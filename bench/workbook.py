"""Time to build the year-end workbook against a bare openpyxl write of the same values.

At 40, 400 and 4000 rows (the 2023 figures after generate_ward --scale 1, 10 and 100):

- workbook: what /2023/report.xlsx does once the year's rows are computed:
  ``build_workbook`` (the styled "Chỉ tiêu" sheet and the registered "Chi bộ" sheet, a row per
  cell, whose two small queries it includes) and saving to a BytesIO. The query and computing of
  the rows (``YearReport.for_year``), which the page needs as well, is timed on its own line;
- bare: the same values of both sheets (each target's STT, name, unit, plan, actual, percent,
  assessment and note; each cell's number, name, secretary, members, rating and counts),
  already in memory, appended to two sheets without any styling and saved to a BytesIO.

``ratio workbook/bare <rows>`` compares medians; ``growth … 4000/40 rows`` is the time at 4000
rows over the time at 40 (linear is about 100).
"""

import io
import sys
import time

from bench import common
from bench.common import median, ms, num, say

SIZES = [(1, 40), (10, 400), (100, 4000)]  # (generate_ward scale, rows of 2023)
REPEATS = {1: 9, 10: 5, 100: 3}


def full_workbook(year):
    """(query, build, save) seconds of the report workbook of ``year``."""
    from targets.report import YearReport
    from targets.xlsx import build_workbook

    start = time.perf_counter()
    report = YearReport.for_year(year)
    report.rows[0].percent, report.rows[-1].assessment
    queried = time.perf_counter()
    workbook = build_workbook(report)
    built = time.perf_counter()
    workbook.save(io.BytesIO())
    return queried - start, built - queried, time.perf_counter() - built


def bare_rows(year):
    """The values of the report's rows, as a bare write gets them: computed beforehand."""
    from django.utils import translation

    from cells.columns import CELL_YEAR_COLUMNS
    from cells.models import CellYear
    from targets.report import YearReport

    with translation.override("vi"):
        report = YearReport.for_year(year)
        targets = [[column.value(row) for column in report.columns] for row in report.rows]
        cells = [
            [column.value(cell_year) for column in CELL_YEAR_COLUMNS]
            for cell_year in CellYear.objects.filter(year=year).select_related("cell")
        ]
    return targets, cells


def bare_workbook(values):
    from openpyxl import Workbook

    targets, cells = values
    start = time.perf_counter()
    workbook = Workbook()
    for sheet, rows in ((workbook.active, targets), (workbook.create_sheet(), cells)):
        for row in rows:
            sheet.append(row)
    workbook.save(io.BytesIO())
    return time.perf_counter() - start


def run(bench, sizes=SIZES):
    from targets.models import Year

    totals = {}
    for scale, expected_rows in sizes:
        if scale > 1:
            bench.generate(scale)
        year = Year.objects.get(year=2023)
        rows = bare_rows(year)
        if len(rows[0]) != expected_rows:
            raise RuntimeError(f"2023 has {len(rows[0])} figures, expected {expected_rows}")
        full_workbook(year)  # warm: translations, templates of the styles, imports
        bare_workbook(rows)
        parts, bare = [], []
        for _ in range(REPEATS.get(scale, 3)):
            parts.append(full_workbook(year))
            bare.append(bare_workbook(rows))
        n = len(rows[0])
        total = median([build + save for _query, build, save in parts])
        for index, part in enumerate(("query", "build", "save")):
            say(f"workbook {part} {n} rows", ms(median([p[index] for p in parts])))
        say(f"workbook build and save {n} rows", ms(total))
        say(f"bare {n} rows", ms(median(bare)))
        totals[n] = (total, median(bare))
    sizes_seen = sorted(totals)
    small, large = sizes_seen[0], sizes_seen[-1]
    say(f"growth workbook {large}/{small} rows", num(totals[large][0] / totals[small][0]))
    say(f"growth bare {large}/{small} rows", num(totals[large][1] / totals[small][1]))
    ratios = {n: full / bare for n, (full, bare) in totals.items()}
    for n in sizes_seen:
        say(f"ratio workbook/bare {n}", num(ratios[n]))
    return ratios


def main(argv=None):
    return common.run_alone(run, "workbook", __doc__, argv)


if __name__ == "__main__":
    sys.exit(main())
