"""The roll-up as documents: a superior committee's summary of its communes' results at a year
and stage, as a page that prints on A4 in the Party form of the commune's report
(templates/rollup/print.html) and as a workbook (rollup.workbook).

Both read one ``Summary``: the header's names, the place and date, the title, which figures the
table shows and how many communes have reported them, and the roll-up itself
(rollup.counting). Their words are Vietnamese whoever asks for them, as the commune's documents'
are: they are filed in Vietnamese.

The roll-up is not an issued report: it carries no number, and it is dated the day it is
printed or downloaded, the date it is issued on (targets.wording's rule for a report's date).
"""

import re
import tempfile
from dataclasses import dataclass
from functools import cached_property

from django.http import FileResponse
from django.shortcuts import render
from django.utils import timezone, translation
from django.utils.html import format_html
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from committees.models import Committee
from core.replica import replica_reads
from targets import display, wording, xlsx
from targets.numbers import format_number
from targets.progress import Assessment
from targets.stages import Stage

from . import counting
from . import workbook as rollup_workbook
from .access import rollup_for
from .counting import rollup, verdicts

# A party organisation's name that says where it is: "Đảng bộ tỉnh Lào Cai" is at Lào Cai.
PLACE_IN_NAME = re.compile(
    r"^Đảng bộ (?:xã|phường|thị trấn|đặc khu|thị xã|thành phố|quận|huyện|tỉnh) (?P<place>.+)$",
    re.IGNORECASE,
)


@dataclass
class Names:
    """The names the header prints: the superior body above the issuing committee (both in
    capitals), and the place before the date."""

    superior: str
    executive: str
    place: str


def names_of(committee, number):
    """The names of ``committee`` in the header of its roll-up of the year ``number``.

    Where the committee keeps years of its own, its own year ``number`` (else its latest)
    names it, as its own reports print it (targets.wording): its superior body above its
    executive ("TỈNH ỦY LÀO CAI"), and its place.

    A province may keep no year of its own. Then its names are taken from the committee as the
    installation lists it, and none is guessed: its name, in capitals, as the issuing body
    ("ĐẢNG BỘ TỈNH LÀO CAI"), under its superior committee's name where it has one; before the
    date, the place its name says ("Lào Cai"), or none where the name says none. The name of
    its executive (Tỉnh ủy, Thành ủy …) is data of a year, which such a province does not keep.
    """
    years = committee.years.order_by("-year")
    own = years.filter(year=number).first() or years.first()
    if own is not None:
        return Names(wording.superior_line(own), wording.executive_line(own), own.place_name)
    superior = committee.superior
    said = PLACE_IN_NAME.match(committee.name)
    return Names(
        superior=superior.name.upper() if superior else "",
        executive=committee.name.upper(),
        place=said["place"] if said else "",
    )


def date_line(place, day):
    """The place and date line: "Lào Cai, ngày 03 tháng 12 năm 2026"."""
    words = wording.date_words(day)
    return f"{place}, {words}" if place else capfirst(words)


def subject(number, stage):
    """The title under "BÁO CÁO", worded as the commune's table of targets at the stage is
    (its annex's subject): "tổng hợp kết quả thực hiện các chỉ tiêu chủ yếu năm 2024"."""
    return _("summary of the %(results)s") % {"results": stage.annex_subject % {"year": number}}


def completeness_line(reported, communes, stage):
    """ "87/99 xã, phường đã báo cáo đủ số liệu thực hiện 6 tháng": the ``reported`` communes
    whose every planned figure has its actual at ``stage``, of the committee's ``communes``
    (counting.reported)."""
    return _(
        "%(reported)s/%(communes)s communes and wards have reported every figure of %(stage)s"
    ) % {
        "reported": format_number(reported),
        "communes": format_number(communes),
        "stage": stage.label,
    }


def verdict_words(assessment, stage):
    """A verdict as the commune's documents print it; inside the year, the level of its stage:
    "Mức 6 tháng"."""
    if assessment == Assessment.REACHED:
        return str(stage.reached_badge)
    return str(Assessment(assessment).label)


@dataclass
class Summary:
    """Everything the roll-up's documents print, in words."""

    committee: Committee
    number: int
    stage: Stage
    names: Names
    nation: str
    date_line: str
    type: str
    subject: str
    stage_line: str
    completeness_line: str
    illustrative_line: str  # under the table, where a figure counted is illustrative
    illustrative_note: str  # a target's note, where a figure of it is
    rollups: list  # [TargetRollup] of the shared targets, in their order

    @property
    def verdicts(self):
        """The verdicts the communes are counted under at the stage, in order."""
        return verdicts(self.stage)

    @cached_property
    def verdict_headings(self):
        """The verdicts' words, in Vietnamese as the document prints them."""
        with translation.override("vi"):
            return [verdict_words(verdict, self.stage) for verdict in self.verdicts]

    @property
    def sections(self):
        """[(area, [TargetRollup, …])] in the targets' order."""
        sections = []
        for shared in self.rollups:
            area = shared.target.area
            if not sections or sections[-1][0] != area:
                sections.append((area, []))
            sections[-1][1].append(shared)
        return sections

    @cached_property
    def illustrative(self):
        """Whether any figure counted is illustrative (made up, as generated communes' are)."""
        return any(shared.illustrative for shared in self.rollups)

    def note_of(self, shared):
        """The note of a target (a TargetRollup) whose communes' figures include illustrative
        ones, as the commune's documents note such a figure (targets.display.note_text)."""
        if shared.illustrative:
            return self.illustrative_note
        return ""

    @property
    def subject_line(self):
        """The subject in capitals, as a sheet's title prints it."""
        return self.subject.upper()


def summary_of(door):
    """The Summary of the roll-up behind ``door`` (rollup.access.Door), in Vietnamese."""
    committee, number, stage = door.committee, door.year, door.stage
    names = names_of(committee, number)
    rollups = rollup(committee, number, stage)
    reported, communes = counting.reported(committee, number, stage)
    with translation.override("vi"):
        return Summary(
            committee=committee,
            number=number,
            stage=stage,
            names=names,
            nation=_("COMMUNIST PARTY OF VIETNAM"),
            date_line=date_line(names.place, timezone.localdate()),
            type=wording.report_type(),
            subject=subject(number, stage),
            stage_line=wording.stage_line(stage),
            completeness_line=completeness_line(reported, communes, stage),
            illustrative_line=_(
                "Illustrative figure: demo data that does not come from a real source."
            ),
            illustrative_note=_("Illustrative figure."),
            rollups=rollups,
        )


# --- The page that prints ------------------------------------------------------------------------


def amount_text(kind, value):
    """A total, median or extreme as printed: "1.234,5"; "–" where there is none."""
    return display.amount_text(kind, value) or display.NONE


def extreme_html(kind, entry):
    """The lowest or highest figure and, under it, the commune that reached it."""
    if entry is None:
        return display.NONE
    return format_html(
        '{}<br><span class="commune">{}</span>',
        amount_text(kind, entry.actual),
        entry.commune.name,
    )


def printed_row(summary, shared):
    """A target's line of the printed table: (text or HTML, layout) per column."""
    kind = shared.target.kind
    return [
        (shared.target.position, "center"),
        (shared.target.name, "text"),
        (shared.target.unit, "center"),
        *((format_number(count), "amount") for count in shared.counts.values()),
        (format_number(shared.tracking), "amount"),
        (amount_text(kind, shared.total), "amount"),
        (amount_text(kind, shared.median), "amount"),
        (extreme_html(kind, shared.lowest), "extreme"),
        (extreme_html(kind, shared.highest), "extreme"),
        (summary.note_of(shared), "note"),
    ]


def printed_body(summary):
    """The table's body: ("band", "I.", area) for an area's row, ("row", cells) for a target."""
    body = []
    for area, rollups in summary.sections:
        body.append(("band", f"{area.roman}.", area.name))
        body.extend(("row", printed_row(summary, shared)) for shared in rollups)
    return body


@require_safe
@replica_reads
def printable(request, committee, year):
    """The roll-up as a page that prints on A4 landscape: the Party form's header, "BÁO CÁO"
    and its title, how many communes have reported, and the table of the shared targets."""
    door = rollup_for(request, committee, year)
    summary = summary_of(door)
    with translation.override("vi"):
        body = printed_body(summary)
    return render(
        request,
        "rollup/print.html",
        {
            "door": door,
            "stages": Stage,
            "summary": summary,
            "body": body,
            "columns": 3 + len(summary.verdicts) + 6,
        },
    )


# --- The workbook --------------------------------------------------------------------------------


def written(summary):
    """The roll-up's workbook in a temporary file, read from its start; the file goes when it is
    closed (FileResponse closes it once sent)."""
    file = tempfile.TemporaryFile()  # noqa: SIM115 (it outlives this function: the response's)
    try:
        rollup_workbook.write(summary, file)
        file.seek(0)
    except BaseException:
        file.close()
        raise
    return file


@require_safe
@replica_reads
def workbook(request, committee, year):
    """The roll-up as an .xlsx download: the summary sheet and every commune's figures. It is
    written to a temporary file and sent from there, whatever its size (a nation's 132.000
    rows)."""
    door = rollup_for(request, committee, year)
    summary = summary_of(door)
    file = written(summary)
    return FileResponse(
        file,
        as_attachment=True,
        filename=rollup_workbook.filename(summary),
        content_type=xlsx.CONTENT_TYPE,
    )
