"""Time to build the year-end Word report against a bare python-docx document of the same text.

At 40, 400 and 4000 rows (the 2023 figures after generate_ward --scale 1, 10 and 100), on the
report as /2023/report.docx shows it (``YearReport.year_end``: at its latest stage, with last
year's and next year's columns where it has them):

- document: what /2023/report.docx does once the year's rows are computed and its text is at
  hand: ``document.build`` (the header, title, sections, signature and the annexes' tables in
  words, including the cells' annex and its query) and ``word.build_docx`` (the Word file in the
  form of the guidance: fonts, margins, borders, widths, rows that never split), saved to a
  BytesIO. The query and computing of the rows, and the report's text (the office's, or drafted
  from the figures), which the print view needs as well, are timed on lines of their own;
- bare: the same paragraphs and tables (every line of the header, title, sections, signature,
  recipients and annexes; each table's headings and rows as text), already in memory, added
  to a blank python-docx document without any formatting (each table made whole with
  ``add_table``, its rows and their entries then filled in one pass over ``table.rows`` and
  ``row.cells``: python-docx's quickest way), and saved to a BytesIO.

``ratio document/bare <rows>`` compares medians; ``growth … 4000/40 rows`` is the time at 4000
rows over the time at 40 (linear is about 100).
"""

import io
import sys
import time

from bench import common
from bench.common import median, ms, num, say

SIZES = [(1, 40), (10, 400), (100, 4000)]  # (generate_ward scale, rows of 2023)
REPEATS = {1: 9, 10: 5, 100: 3}


def full_document(year):
    """(query, text, build, save) seconds of the Word report of ``year``."""
    from targets import document, word
    from targets.report import YearReport

    start = time.perf_counter()
    report = YearReport.year_end(year)
    report.rows[0].percent, report.rows[-1].assessment
    queried = time.perf_counter()
    report.text.results.splitlines()  # the office's text, or drafted from the figures
    texted = time.perf_counter()
    doc = word.build_docx(document.build(report))
    built = time.perf_counter()
    doc.save(io.BytesIO())
    return queried - start, texted - queried, built - texted, time.perf_counter() - built


def bare_content(year):
    """The report's paragraphs and tables as a bare write gets them: worded beforehand.

    [("paragraph", text), ("table", [[text, …], …]), …] in the document's order: a table's
    first row is its headings; an area's row and a line across the table hold their text in
    their first entries and nothing in the others."""
    from targets import document
    from targets.report import YearReport

    d = document.build(YearReport.year_end(year))
    lines = [d.superior, d.executive, "*", d.number, d.nation, "", "", d.date_line, ""]
    lines += [d.draft_mark] if d.draft else []
    lines += [d.type, d.subject, "-----"]
    for heading, texts in d.sections:
        lines += [heading, *texts]
    lines += ["", d.recipients_label, *d.recipients, *d.signature]
    content = [("paragraph", line) for line in lines]
    for annex in d.annexes:
        content += [
            ("paragraph", line)
            for line in (annex.heading, annex.title, annex.attached, *annex.lines, "")
        ]
        width = len(annex.table.headings)
        rows = [list(annex.table.headings)]
        for item in annex.table.body:
            texts = [text for text, _layout in item[1]] if item[0] == "row" else list(item[1:])
            rows.append(texts + [""] * (width - len(texts)))
        content.append(("table", rows))
        if annex.legend:
            content.append(("paragraph", annex.legend))
    return content


def bare_document(content):
    from docx import Document

    start = time.perf_counter()
    doc = Document()
    for part, value in content:
        if part == "paragraph":
            doc.add_paragraph(value)
            continue
        table = doc.add_table(rows=len(value), cols=len(value[0]))
        for row, texts in zip(table.rows, value, strict=True):
            for entry, text in zip(row.cells, texts, strict=True):
                entry.text = text
    doc.save(io.BytesIO())
    return time.perf_counter() - start


def run(bench, sizes=SIZES):
    from targets.models import Year

    totals = {}
    for scale, expected_rows in sizes:
        if scale > 1:
            bench.generate(scale)
        year = Year.objects.get(committee__slug="cau-thia", year=2023)
        n = year.figures.count()
        if n != expected_rows:
            raise RuntimeError(f"2023 has {n} figures, expected {expected_rows}")
        content = bare_content(year)
        full_document(year)  # warm: translations, the blank document's template, imports
        bare_document(content)
        parts, bare = [], []
        for _ in range(REPEATS.get(scale, 3)):
            parts.append(full_document(year))
            bare.append(bare_document(content))
        total = median([build + save for _query, _text, build, save in parts])
        for index, part in enumerate(("query", "text", "build", "save")):
            say(f"document {part} {n} rows", ms(median([p[index] for p in parts])))
        say(f"document build and save {n} rows", ms(total))
        say(f"bare {n} rows", ms(median(bare)))
        totals[n] = (total, median(bare))
    sizes_seen = sorted(totals)
    small, large = sizes_seen[0], sizes_seen[-1]
    say(f"growth document {large}/{small} rows", num(totals[large][0] / totals[small][0]))
    say(f"growth bare {large}/{small} rows", num(totals[large][1] / totals[small][1]))
    ratios = {n: full / bare for n, (full, bare) in totals.items()}
    for n in sizes_seen:
        say(f"ratio document/bare {n}", num(ratios[n]))
    return ratios


def main(argv=None):
    return common.run_alone(run, "document", __doc__, argv)


if __name__ == "__main__":
    sys.exit(main())
