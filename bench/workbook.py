"""Time to build the year-end workbook against a bare openpyxl write of the same entries.

At 40, 400 and 4000 rows (the 2023 figures after generate_ward --scale 1, 10 and 100), on the
report as /2023/report.xlsx shows it (``YearReport.year_end``: at its latest stage, with last
year's and next year's columns where it has them):

- workbook: what /2023/report.xlsx does once the year's rows are computed:
  ``build_workbook`` (the styled "Chỉ tiêu" sheet and the registered "Chi bộ" sheet, a row per
  cell, whose two small queries it includes) and saving to a BytesIO. The query and computing of
  the rows (``YearReport.year_end``), which the page needs as well, is timed on its own line;
- bare: the same entries of both sheets (every entry the workbook holds a value in: the
  heading lines, the table's headings, areas, rows and summary, the lines under it), already in
  memory, appended row by row to two sheets without any styling, merging or row heights, and
  saved to a BytesIO.

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
    report = YearReport.year_end(year)
    report.rows[0].percent, report.rows[-1].assessment
    queried = time.perf_counter()
    workbook = build_workbook(report)
    built = time.perf_counter()
    workbook.save(io.BytesIO())
    return queried - start, built - queried, time.perf_counter() - built


def bare_entries(year):
    """The entries of the report workbook as a bare write gets them: computed beforehand. Each
    sheet as its rows, each row {column: value} of the entries holding a value (an empty row
    stays empty)."""
    from targets.report import YearReport
    from targets.xlsx import build_workbook

    workbook = build_workbook(YearReport.year_end(year))
    return [
        [
            {xl_cell.column: xl_cell.value for xl_cell in row if xl_cell.value is not None}
            for row in sheet.iter_rows()
        ]
        for sheet in workbook.worksheets
    ]


def bare_workbook(sheets):
    from openpyxl import Workbook

    start = time.perf_counter()
    workbook = Workbook()
    for index, rows in enumerate(sheets):
        sheet = workbook.active if index == 0 else workbook.create_sheet()
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
        n = year.figures.count()
        if n != expected_rows:
            raise RuntimeError(f"2023 has {n} figures, expected {expected_rows}")
        entries = bare_entries(year)
        full_workbook(year)  # warm: translations, templates of the styles, imports
        bare_workbook(entries)
        parts, bare = [], []
        for _ in range(REPEATS.get(scale, 3)):
            parts.append(full_workbook(year))
            bare.append(bare_workbook(entries))
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
