"""Time to read a workbook of the year's figures, and time and queries to write what it changes.

At 40 and 400 rows (the 2023 figures after generate_ward --scale 1 and 10), each round takes the
year's report workbook at the final stage, as /2023/report.xlsx gives it, with every plan and
actual of its "Chỉ tiêu" sheet changed a little (a number one more, a milestone the other way),
so that every row of the sheet is a change:

- read: ``imports.read`` of the file's bytes: the file checked and opened, the table found, each
  row matched to its target and compared (what the upload does before its preview shows);
- write: ``imports.write`` of that preview, stored as an Import: every changed figure written
  through Figure.save with its FigureChange, in one transaction (what the confirmation does).
  Its queries are counted with CaptureQueriesContext; ``queries per row`` is that count over
  the rows written.

Each size reads and writes once to warm up, then times its rounds; times are medians.
``ratio … 400/40 rows`` is the figure at 400 rows over the figure at 40 (linear is about 10).
"""

import sys

from bench import common
from bench.common import median, ms, num, say

SIZES = [(1, 40), (10, 400)]  # (generate_ward scale, rows of 2023)
REPEATS = {1: 9, 10: 5}
PLAN_COLUMN, ACTUAL_COLUMN = 4, 5  # of the "Chỉ tiêu" sheet: Kế hoạch, Thực hiện


def nudged(kind, value):
    """A value a little off ``value``: one more, or for a milestone the other answer."""
    from targets.progress import Kind

    if kind == Kind.MILESTONE:
        return 0 if value == 1 else 1
    return (value or 0) + 1


def changed_workbook(year, stage):
    """The bytes of ``year``'s report workbook with every target's plan and actual changed."""
    from targets import xlsx
    from targets.models import Figure
    from targets.report import YearReport

    workbook = xlsx.build_workbook(YearReport.year_end(year, stage))
    sheet = workbook.worksheets[0]
    figures = {figure.target.position: figure for figure in Figure.objects.for_year(year)}
    for (number,) in sheet.iter_rows(min_col=1, max_col=1):
        figure = figures.get(number.value) if isinstance(number.value, int) else None
        if figure is None:
            continue  # the headings, an area's row, the lines under the table
        kind = figure.target.kind
        sheet.cell(number.row, PLAN_COLUMN).value = nudged(kind, figure.plan)
        sheet.cell(number.row, ACTUAL_COLUMN).value = nudged(kind, figure.actual_at(stage))
    return xlsx.workbook_bytes(workbook)


def one_round(year, stage, user, rows):
    """(read seconds, write seconds, write queries) of one changed workbook."""
    from django.db import connection, reset_queries
    from django.test.utils import CaptureQueriesContext

    from targets import imports
    from targets.models import Import

    content = changed_workbook(year, stage)
    read, preview = common.timed(imports.read, content, year, stage)
    if len(preview.changes) != rows:
        raise RuntimeError(f"the preview changes {len(preview.changes)} rows, expected {rows}")
    imported = Import.objects.create(
        year=year,
        stage=stage,
        file_name=f"bao-cao-{year.year}.xlsx",
        content=content,
        sheet=preview.sheet,
        preview=preview.as_json(),
        uploaded_by=user,
    )
    reset_queries()  # the log keeps at most 9000 queries; a count needs them all
    with CaptureQueriesContext(connection) as queries:
        write, written = common.timed(imports.write, imported, user)
    if written != rows:
        raise RuntimeError(f"{written} rows written, expected {rows}")
    return read, write, len(queries)


def run(bench, sizes=SIZES):
    from targets.models import Figure, Year
    from targets.progress import Stage

    user = bench.user()
    results = {}
    for scale, rows in sizes:
        if scale > 1:
            bench.generate(scale)
        year = Year.objects.get(year=2023)
        if Figure.objects.filter(year=year).count() != rows:
            raise RuntimeError(f"2023 does not have {rows} figures")
        one_round(year, Stage.FINAL, user, rows)  # warm: openpyxl, translations, statements
        rounds = [one_round(year, Stage.FINAL, user, rows) for _ in range(REPEATS.get(scale, 3))]
        read = median([r for r, _w, _q in rounds])
        write = median([w for _r, w, _q in rounds])
        queries = max(q for _r, _w, q in rounds)
        say(f"read {rows} rows", ms(read))
        say(f"write {rows} rows", ms(write))
        say(f"queries write {rows} rows", queries)
        say(f"queries per row write {rows} rows", num(queries / rows))
        results[rows] = (read, write, queries)
    small, large = min(results), max(results)
    ratios = {}
    for index, part in enumerate(("read", "write", "queries write")):
        ratios[part] = results[large][index] / results[small][index]
        say(f"ratio {part} {large}/{small} rows", num(ratios[part]))
    return ratios


def main(argv=None):
    return common.run_alone(run, "imports", __doc__, argv)


if __name__ == "__main__":
    sys.exit(main())
