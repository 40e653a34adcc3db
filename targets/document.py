"""The year's report as a Party document (BÁO CÁO), laid out once and written twice: as a Word
file (targets.word) and as the print view (templates/targets/document.html).

A ``Document`` holds every line a reader sees, already in words: the header block, the number
and date, the draft mark, the type and subject, the sections I–III of the office's text, the
signature and "Nơi nhận", then the annexes (PHỤ LỤC), each a table. Other apps add annexes with
``register_annex`` (the cells' ratings), so this app never imports theirs.
"""

from dataclasses import dataclass, field

from django.utils import translation
from django.utils.translation import gettext as _

from . import wording

ROMAN_NUMERALS = ("I", "II", "III", "IV", "V", "VI")


@dataclass
class Table:
    """An annex's table: headings, the columns' layouts (targets.columns: how each is aligned
    and how wide it needs to be) and relative widths, and its body: ("band", label, text) for a
    group's row (the areas I–IV), ("row", [(text, layout), …]) for a line, ("total", text) for
    a line across the table."""

    headings: list
    layouts: list
    widths: list
    body: list = field(default_factory=list)


@dataclass
class Annex:
    title: str  # in capitals: "KẾT QUẢ THỰC HIỆN CÁC CHỈ TIÊU CHỦ YẾU NĂM 2023"
    lines: list  # in italics under the title: which figures the table shows
    table: Table
    number: str = ""  # "I", "II" … in the order the document prints them
    legend: str = ""  # under the table: what its abbreviations stand for
    attached: str = ""  # "(Kèm theo Báo cáo số 125-BC/ĐU, ngày 05/01/2024 của …)"

    @property
    def heading(self):
        return wording.annex_title(self.number)


@dataclass
class Document:
    superior: str
    executive: str
    number: str
    nation: str
    date_line: str
    draft: bool
    draft_mark: str
    type: str
    subject: str
    sections: list  # [(heading, [paragraph, …]), …]
    signature: tuple  # ("T/M ĐẢNG ỦY", "BÍ THƯ", name)
    recipients_label: str
    recipients: list
    annexes: list


# Callables ``(report) -> Annex | None`` run after the targets' annex, in order.
EXTRA_ANNEXES = []


def register_annex(make_annex):
    if make_annex not in EXTRA_ANNEXES:
        EXTRA_ANNEXES.append(make_annex)
    return make_annex


def section_headings(year, stage):
    return (
        _("I- RESULTS"),
        _("II- LIMITATIONS, SHORTCOMINGS AND THEIR CAUSES"),
        stage.directions_heading % {"year": year.year, "next": year.year + 1},
    )


def paragraphs(text):
    """A section's text as paragraphs: one a line, empty lines dropped."""
    return [line.strip() for line in text.splitlines() if line.strip()]


def targets_annex(report):
    """The table of targets at the report's stage, grouped by area, with the summary line."""
    report_columns = report.document_columns
    table = Table(
        headings=[str(column.heading) for column in report_columns],
        layouts=[column.layout for column in report_columns],
        widths=[column.width for column in report_columns],
    )
    for area, rows in report.printed_sections():
        table.body.append(("band", f"{area.roman}.", area.name))
        table.body.extend(
            ("row", [(text, column.layout) for column, text in entries]) for entries in rows
        )
    table.body.append(("total", f"{report.summary}."))
    title = wording.annex_subject(report.year, report.stage)
    return Annex(title=title, lines=[wording.stage_line(report.stage)], table=table)


def build(report):
    """The Document of ``report`` (a YearReport) with its text (the office's, or drafted).

    A draft carries no number and no date: the office gives them when it issues the report.
    The text ends with the closing sentence ("Trên đây là báo cáo …"), the last paragraph of
    section III, so that it keeps with the signature wherever the page breaks."""
    year, stage, text = report.year, report.stage, report.text
    draft = not text.is_final
    with translation.override("vi"):  # filed in Vietnamese, whoever asks for it
        annexes = [targets_annex(report)]
        annexes += [a for a in (make(report) for make in EXTRA_ANNEXES) if a is not None]
        attached = wording.attached_line(year, stage, draft)
        for number, annex in zip(ROMAN_NUMERALS, annexes, strict=False):
            annex.number, annex.attached = number, attached
        subject = text.subject or wording.report_subject(year, stage)
        sections = [
            (heading, paragraphs(getattr(text, name)))
            for heading, name in zip(section_headings(year, stage), text.SECTIONS, strict=True)
        ]
        last = sections[-1][1]
        if not (last and last[-1].startswith(wording.closing_words())):  # the office's own
            last.append(wording.closing_line(year, subject))
        return Document(
            superior=wording.superior_line(year),
            executive=wording.executive_line(year),
            number=wording.number_line(year, stage, draft),
            nation=_("COMMUNIST PARTY OF VIETNAM"),
            date_line=wording.place_and_date_line(year, stage, draft),
            draft=draft,
            draft_mark=wording.draft_mark(),
            type=wording.report_type(),
            subject=subject,
            sections=sections,
            signature=wording.signature_lines(year),
            recipients_label=wording.recipients_label(),
            recipients=year.recipient_lines,
            annexes=annexes,
        )
